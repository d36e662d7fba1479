import type { Edge, Node } from '@xyflow/react';
import type { WorkflowEdge } from '../../nodes/graph.ts';
import { getKind } from '../../nodes/registry.ts';
import type { EditorState, XY } from '../store/editor-store.ts';

/**
 * React Flow is a view: its nodes and edges are derived from the workflow document plus transient
 * state (selection, measured sizes, and the drag positions of `drag-store.ts`). A React Flow node carries only what React Flow
 * itself needs (position, selection, size, kind and label for the class and aria label); the node
 * view reads its params from the store by id. So an edit of a param keeps every React Flow node —
 * and the array itself — identical, and React Flow does no work at all; a drag frame replaces one
 * node object and keeps all others.
 */
export type FlowNodeData = { kind: string };
export type FlowNode = Node<FlowNodeData, 'fooocus'>;

interface NodeCacheEntry {
  kind: string;
  label: string | undefined;
  selected: boolean;
  x: number;
  y: number;
  w: number | undefined;
  h: number | undefined;
  rf: FlowNode;
}

/** The previous array when every element is the same object in the same place. */
function sameItems<T>(prev: T[], next: T[]): boolean {
  if (prev.length !== next.length) return false;
  for (let i = 0; i < next.length; i++) if (prev[i] !== next[i]) return false;
  return true;
}

export function createNodeAdapter() {
  let cache = new Map<string, NodeCacheEntry>();
  let last: FlowNode[] = [];
  return (
    s: Pick<EditorState, 'doc' | 'selectedNodes' | 'measured'>,
    dragPositions: Record<string, XY> | null = null,
  ): FlowNode[] => {
    const next = new Map<string, NodeCacheEntry>();
    const out: FlowNode[] = [];
    for (const n of s.doc.nodes) {
      const pos = dragPositions?.[n.id] ?? n.position;
      const selected = !!s.selectedNodes[n.id];
      const m = s.measured[n.id];
      const prev = cache.get(n.id);
      let entry: NodeCacheEntry;
      if (
        prev &&
        prev.kind === n.kind &&
        prev.label === n.label &&
        prev.selected === selected &&
        prev.x === pos.x &&
        prev.y === pos.y &&
        prev.w === m?.width &&
        prev.h === m?.height
      ) {
        entry = prev;
      } else {
        const kind = getKind(n.kind);
        const data = prev && prev.kind === n.kind ? prev.rf.data : { kind: n.kind };
        entry = {
          kind: n.kind,
          label: n.label,
          selected,
          x: pos.x,
          y: pos.y,
          w: m?.width,
          h: m?.height,
          rf: {
            id: n.id,
            type: 'fooocus',
            position: pos,
            data,
            selected,
            className: `kind-${n.kind} role-${kind?.role ?? 'unknown'}`,
            ariaLabel: n.label || kind?.title.en || n.kind,
            ...(m ? { measured: m } : {}),
          },
        };
      }
      next.set(n.id, entry);
      out.push(entry.rf);
    }
    cache = next;
    if (sameItems(last, out)) return last;
    last = out;
    return out;
  };
}

interface EdgeCacheEntry {
  src: WorkflowEdge;
  selected: boolean;
  rf: Edge;
}

export function createEdgeAdapter() {
  let cache = new Map<string, EdgeCacheEntry>();
  let last: Edge[] = [];
  let lastIn: (Pick<EditorState, 'selectedEdges'> & { nodes: unknown; edges: unknown }) | null = null;
  return (s: Pick<EditorState, 'doc' | 'selectedEdges'>): Edge[] => {
    // Nothing a wire shows changed (a drag frame, a selection of nodes): skip the walk.
    if (
      lastIn &&
      lastIn.nodes === s.doc.nodes &&
      lastIn.edges === s.doc.edges &&
      lastIn.selectedEdges === s.selectedEdges
    )
      return last;
    lastIn = { nodes: s.doc.nodes, edges: s.doc.edges, selectedEdges: s.selectedEdges };
    const next = new Map<string, EdgeCacheEntry>();
    const types = new Map<string, string>();
    for (const n of s.doc.nodes) {
      const k = getKind(n.kind);
      for (const o of k?.outputs ?? []) types.set(`${n.id}\u0000${o.id}`, o.type);
    }
    const out: Edge[] = [];
    for (const e of s.doc.edges) {
      const selected = !!s.selectedEdges[e.id];
      const prev = cache.get(e.id);
      const entry: EdgeCacheEntry =
        prev && prev.src === e && prev.selected === selected
          ? prev
          : {
              src: e,
              selected,
              rf: {
                id: e.id,
                source: e.source,
                sourceHandle: e.sourceHandle,
                target: e.target,
                targetHandle: e.targetHandle,
                selected,
                className: `wire-${types.get(`${e.source}\u0000${e.sourceHandle}`) ?? 'image'}`,
                ariaLabel: `${e.source} → ${e.target}`,
              },
            };
      next.set(e.id, entry);
      out.push(entry.rf);
    }
    cache = next;
    if (sameItems(last, out)) return last;
    last = out;
    return out;
  };
}
