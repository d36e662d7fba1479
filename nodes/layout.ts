import dagre from '@dagrejs/dagre';
import type { Workflow } from './graph.ts';

/** Rough node footprints for layout; the editor's nodes are about this size. */
const WIDTH = 260;
const HEIGHT = 150;

/** Left-to-right layered layout (dagre), so a chain reads like the pipeline it is. Pure: returns a copy. */
export function autoLayout(wf: Workflow): Workflow {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of wf.nodes) g.setNode(n.id, { width: WIDTH, height: HEIGHT });
  for (const e of wf.edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return {
    ...wf,
    nodes: wf.nodes.map((n) => {
      const p = g.node(n.id) as { x: number; y: number } | undefined;
      return p ? { ...n, position: { x: Math.round(p.x - WIDTH / 2), y: Math.round(p.y - HEIGHT / 2) } } : n;
    }),
  };
}
