import dagre from '@dagrejs/dagre';
import type { Workflow } from '../../nodes/graph.ts';
import type { XY } from '../store/editor-store.ts';

/**
 * Left-to-right layered layout with the nodes' real (measured) sizes, so tall nodes don't overlap.
 * Same shape as the core's `autoLayout`, which only knows a fixed footprint.
 */
export function layoutPositions(
  wf: Workflow,
  measured: Record<string, { width: number; height: number }>,
): Map<string, XY> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const size = (id: string) => measured[id] ?? { width: 260, height: 150 };
  for (const n of wf.nodes) g.setNode(n.id, { ...size(n.id) });
  for (const e of wf.edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out = new Map<string, XY>();
  for (const n of wf.nodes) {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    const s = size(n.id);
    if (p) out.set(n.id, { x: Math.round(p.x - s.width / 2), y: Math.round(p.y - s.height / 2) });
  }
  return out;
}
