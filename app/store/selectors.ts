import type { WorkflowNode } from '../../nodes/graph.ts';
import type { EditorState } from './editor-store.ts';

/**
 * Narrow, reference-stable reads of the document for views that must not re-render on every edit.
 * A keystroke replaces one node object and the nodes array; everything derived here keeps its
 * identity unless what it describes changed, so zustand's equality check skips the re-render.
 */

const indexCache = new WeakMap<readonly WorkflowNode[], Map<string, WorkflowNode>>();

/** id → node, built once per nodes array (O(1) per-node selectors instead of a find per node). */
export function nodeIndex(nodes: readonly WorkflowNode[]): Map<string, WorkflowNode> {
  let m = indexCache.get(nodes);
  if (!m) {
    m = new Map(nodes.map((n) => [n.id, n]));
    indexCache.set(nodes, m);
  }
  return m;
}

export const nodeById = (s: Pick<EditorState, 'doc'>, id: string): WorkflowNode | undefined =>
  nodeIndex(s.doc.nodes).get(id);

/** What panels need to name a node: its kind and label. */
export interface NodeName {
  kind: string;
  label: string | undefined;
}

let namesFrom: readonly WorkflowNode[] | null = null;
let names: ReadonlyMap<string, NodeName> = new Map();

/** id → kind and label; the same map while no node was added, removed, relabelled or re-kinded. */
export function selectNodeNames(s: Pick<EditorState, 'doc'>): ReadonlyMap<string, NodeName> {
  const nodes = s.doc.nodes;
  if (nodes === namesFrom) return names;
  namesFrom = nodes;
  let same = nodes.length === names.size;
  if (same) {
    for (const n of nodes) {
      const o = names.get(n.id);
      if (!o || o.kind !== n.kind || o.label !== n.label) {
        same = false;
        break;
      }
    }
  }
  if (!same) names = new Map(nodes.map((n) => [n.id, { kind: n.kind, label: n.label }]));
  return names;
}
