import type { Workflow } from '../nodes/graph.ts';
import type { GraphEdit } from './types.ts';

/** Applies a diagnostic's one-click fix. Pure: returns a new workflow. */
export function applyGraphEdits(wf: Workflow, edits: readonly GraphEdit[]): Workflow {
  let nodes = wf.nodes;
  let edges = wf.edges;
  for (const e of edits) {
    if (e.op === 'setParam') {
      nodes = nodes.map((n) =>
        n.id === e.nodeId ? { ...n, params: { ...n.params, [e.param]: e.value } } : n,
      );
    } else if (e.op === 'removeEdge') {
      edges = edges.filter((x) => x.id !== e.edgeId);
    } else {
      nodes = nodes.filter((n) => n.id !== e.nodeId);
      edges = edges.filter((x) => x.source !== e.nodeId && x.target !== e.nodeId);
    }
  }
  return { ...wf, nodes, edges, exposed: wf.exposed.filter((x) => nodes.some((n) => n.id === x.nodeId)) };
}
