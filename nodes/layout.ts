import dagre from '@dagrejs/dagre';
import type { Workflow } from './graph.ts';

export interface Size {
  width: number;
  height: number;
}

/** Footprint of a node whose real size is not known (no editor measured it: CLI, decompile). */
const DEFAULT_SIZE: Size = { width: 260, height: 150 };

/**
 * Left-to-right layered layout (dagre), so a chain reads like the pipeline it is. The editor passes
 * the nodes' measured sizes so tall nodes do not overlap; elsewhere a typical footprint is used.
 */
export function layoutPositions(
  wf: Pick<Workflow, 'nodes' | 'edges'>,
  sizeOf: (id: string) => Size | undefined = () => undefined,
): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const size = (id: string) => sizeOf(id) ?? DEFAULT_SIZE;
  for (const n of wf.nodes) g.setNode(n.id, { ...size(n.id) });
  for (const e of wf.edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of wf.nodes) {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    const s = size(n.id);
    if (p) out.set(n.id, { x: Math.round(p.x - s.width / 2), y: Math.round(p.y - s.height / 2) });
  }
  return out;
}

/** The workflow with every node placed by `layoutPositions`. Pure: returns a copy. */
export function autoLayout(wf: Workflow, sizeOf?: (id: string) => Size | undefined): Workflow {
  const positions = layoutPositions(wf, sizeOf);
  return { ...wf, nodes: wf.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })) };
}
