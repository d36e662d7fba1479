import type { Edge, Node } from '@xyflow/react';
import type { WorkflowEdge, WorkflowNode } from '../../nodes/graph.ts';
import { getKind } from '../../nodes/registry.ts';
import type { EditorState } from '../store/editor-store.ts';

/**
 * React Flow is a view: its nodes and edges are derived from the workflow document plus transient
 * state (selection, drag positions, measured sizes). Unchanged nodes keep their object identity so
 * React Flow skips them on every drag frame.
 */
export type FlowNodeData = { node: WorkflowNode };
export type FlowNode = Node<FlowNodeData, 'fooocus'>;

interface NodeCacheEntry {
  src: WorkflowNode;
  selected: boolean;
  x: number;
  y: number;
  w: number | undefined;
  h: number | undefined;
  rf: FlowNode;
}

export function createNodeAdapter() {
  let cache = new Map<string, NodeCacheEntry>();
  return (s: Pick<EditorState, 'doc' | 'selectedNodes' | 'dragPositions' | 'measured'>): FlowNode[] => {
    const next = new Map<string, NodeCacheEntry>();
    const out: FlowNode[] = [];
    for (const n of s.doc.nodes) {
      const pos = s.dragPositions?.[n.id] ?? n.position;
      const selected = !!s.selectedNodes[n.id];
      const m = s.measured[n.id];
      const prev = cache.get(n.id);
      let entry: NodeCacheEntry;
      if (
        prev &&
        prev.src === n &&
        prev.selected === selected &&
        prev.x === pos.x &&
        prev.y === pos.y &&
        prev.w === m?.width &&
        prev.h === m?.height
      ) {
        entry = prev;
      } else {
        const kind = getKind(n.kind);
        const data = prev && prev.src === n ? prev.rf.data : { node: n };
        entry = {
          src: n,
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
  return (s: Pick<EditorState, 'doc' | 'selectedEdges'>): Edge[] => {
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
    return out;
  };
}
