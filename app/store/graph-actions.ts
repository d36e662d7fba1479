import type { AssetMeta } from '../../nodes/assets.ts';
import type { Draft } from 'immer';
import { checkConnection, type ConnectionAttempt, type ConnectionVerdict } from '../../nodes/connection.ts';
import { newId, type Workflow, type WorkflowEdge, type WorkflowNode } from '../../nodes/graph.ts';
import { getKind } from '../../nodes/registry.ts';
import type { GraphEdit } from '../../compiler/types.ts';
import { translate } from '../i18n/i18n.ts';
import { commit, localText, toast, update, useEditor, type XY } from './editor-store.ts';
import { setParam as paramsWith } from '../../nodes/set-param.ts';

const state = () => useEditor.getState();

export function freshNode(
  kindName: string,
  position: XY,
  taken: { has(id: string): boolean },
): WorkflowNode | null {
  const kind = getKind(kindName);
  if (!kind) return null;
  return {
    id: newId(kindName, taken),
    kind: kindName,
    kindVersion: kind.version,
    params: kind.params.parse({}) as Record<string, unknown>,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
  };
}

function singletonTaken(doc: Workflow, kindName: string): boolean {
  const kind = getKind(kindName);
  if (!kind?.singleton || !doc.nodes.some((n) => n.kind === kindName)) return false;
  toast(
    'error',
    localText(kind.title),
    localText({
      en: `A workflow has one ${kind.title.en} node; it is already on the canvas.`,
      zh: `一个工作流只能有一个${kind.title.zh}节点，画布上已经有了。`,
    }),
  );
  return true;
}

/** Adds a node and selects it; returns its id. */
export function addNode(
  kindName: string,
  position: XY,
  extra?: Partial<WorkflowNode['params']>,
  /** Metadata of the assets `extra` refers to (added to the document's table in the same step). */
  assets: readonly AssetMeta[] = [],
): string | null {
  const doc = state().doc;
  if (singletonTaken(doc, kindName)) return null;
  const node = freshNode(kindName, position, new Set(doc.nodes.map((n) => n.id)));
  if (!node) return null;
  if (extra) Object.assign(node.params, extra);
  commit((d) => {
    d.nodes.push(node);
    for (const a of assets) if (!d.assets[a.hash]) d.assets[a.hash] = a;
  });
  selectOnly([node.id]);
  return node.id;
}

export function selectOnly(nodeIds: string[], edgeIds: string[] = []): void {
  update((s) => {
    s.selectedNodes = Object.fromEntries(nodeIds.map((id) => [id, true]));
    s.selectedEdges = Object.fromEntries(edgeIds.map((id) => [id, true]));
  });
}

/** Adds a wire after the core check; a refused wire is reported with its reason. */
export function connect(c: ConnectionAttempt, opts: { quiet?: boolean } = {}): ConnectionVerdict {
  const doc = state().doc;
  const verdict = checkConnection(doc, c);
  if (!verdict.ok) {
    if (!opts.quiet) toast('error', translate(state().lang, 'toast.refused'), localText(verdict.reason));
    return verdict;
  }
  const edge: WorkflowEdge = { id: newId('e', new Set(doc.edges.map((e) => e.id))), ...c };
  commit((d) => {
    if (verdict.replaces) d.edges = d.edges.filter((e) => e.id !== verdict.replaces);
    d.edges.push(edge);
  });
  return verdict;
}

/** Adds a node of `kindName` and wires it to/from the pending handle, as one step. */
export function addNodeConnected(
  kindName: string,
  position: XY,
  from: { nodeId: string; handleId: string; handleType: 'source' | 'target' },
): string | null {
  const doc = state().doc;
  if (singletonTaken(doc, kindName)) return null;
  const kind = getKind(kindName);
  const node = freshNode(kindName, position, new Set(doc.nodes.map((n) => n.id)));
  if (!node || !kind) return null;
  const withNode = { ...doc, nodes: [...doc.nodes, node] };
  const ports = from.handleType === 'source' ? kind.inputs : kind.outputs;
  for (const port of ports) {
    const attempt: ConnectionAttempt =
      from.handleType === 'source'
        ? { source: from.nodeId, sourceHandle: from.handleId, target: node.id, targetHandle: port.id }
        : { source: node.id, sourceHandle: port.id, target: from.nodeId, targetHandle: from.handleId };
    const verdict = checkConnection(withNode, attempt);
    if (!verdict.ok) continue;
    const edge: WorkflowEdge = { id: newId('e', new Set(doc.edges.map((e) => e.id))), ...attempt };
    commit((d) => {
      d.nodes.push(node);
      if (verdict.replaces) d.edges = d.edges.filter((e) => e.id !== verdict.replaces);
      d.edges.push(edge);
    });
    selectOnly([node.id]);
    return node.id;
  }
  return null;
}

/** Kinds that could take (or give) a wire at the pending handle, for the filtered search. */
export function compatibleKinds(
  from: { nodeId: string; handleId: string; handleType: 'source' | 'target' },
  kinds: string[],
): string[] {
  const doc = state().doc;
  const taken = new Set(doc.nodes.map((n) => n.id));
  return kinds.filter((k) => {
    const kind = getKind(k);
    if (!kind || (kind.singleton && doc.nodes.some((n) => n.kind === k))) return false;
    const node = freshNode(k, { x: 0, y: 0 }, taken)!;
    const wf = { nodes: [...doc.nodes, node], edges: doc.edges };
    const ports = from.handleType === 'source' ? kind.inputs : kind.outputs;
    return ports.some(
      (p) =>
        checkConnection(
          wf,
          from.handleType === 'source'
            ? { source: from.nodeId, sourceHandle: from.handleId, target: node.id, targetHandle: p.id }
            : { source: node.id, sourceHandle: p.id, target: from.nodeId, targetHandle: from.handleId },
        ).ok,
    );
  });
}

function removeNodesDraft(d: Draft<Workflow>, ids: Set<string>) {
  d.nodes = d.nodes.filter((n) => !ids.has(n.id));
  d.edges = d.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target));
  d.exposed = d.exposed.filter((x) => !ids.has(x.nodeId));
}

/** Deletes the selected nodes (with their wires) and selected wires, as one step. */
export function deleteSelection(): void {
  const s = state();
  const nodes = new Set(Object.keys(s.selectedNodes));
  const edges = new Set(Object.keys(s.selectedEdges));
  if (!nodes.size && !edges.size) return;
  commit((d) => {
    d.edges = d.edges.filter((e) => !edges.has(e.id));
    removeNodesDraft(d, nodes);
  });
  selectOnly([]);
}

export function deleteNodes(ids: string[]): void {
  commit((d) => removeNodesDraft(d, new Set(ids)));
}

/** Inserts nodes and wires with fresh ids (paste, duplicate), offset so they don't cover the originals. */
export function insertFragment(
  nodes: WorkflowNode[],
  edges: WorkflowEdge[],
  at?: XY,
  /** Metadata of the image assets the nodes refer to (a paste from another tab). */
  assets: readonly AssetMeta[] = [],
  /** Set with the insert when the canvas had no nodes (a pasted request is one request, as sent). */
  overflowIfEmpty?: Workflow['overflow'],
): string[] {
  const doc = state().doc;
  const wasEmpty = doc.nodes.every((n) => n.kind === 'note');
  const taken = new Set(doc.nodes.map((n) => n.id));
  const takenEdges = new Set(doc.edges.map((e) => e.id));
  const remap = new Map<string, string>();
  const minX = Math.min(...nodes.map((n) => n.position.x));
  const minY = Math.min(...nodes.map((n) => n.position.y));
  const dx = at ? at.x - minX : 40;
  const dy = at ? at.y - minY : 40;
  const added: WorkflowNode[] = [];
  const skipped: string[] = [];
  for (const n of nodes) {
    const kind = getKind(n.kind);
    if (!kind) continue;
    if (
      kind.singleton &&
      (doc.nodes.some((m) => m.kind === n.kind) || added.some((m) => m.kind === n.kind))
    ) {
      skipped.push(localText(kind.title));
      continue;
    }
    const id = newId(n.kind, taken);
    taken.add(id);
    remap.set(n.id, id);
    added.push({ ...structuredClone(n), id, position: { x: n.position.x + dx, y: n.position.y + dy } });
  }
  const addedEdges: WorkflowEdge[] = [];
  for (const e of edges) {
    const source = remap.get(e.source);
    const target = remap.get(e.target);
    if (!source || !target) continue;
    const id = newId('e', takenEdges);
    takenEdges.add(id);
    addedEdges.push({ ...e, id, source, target });
  }
  if (skipped.length) {
    toast(
      'info',
      localText({ en: 'Some nodes were not pasted', zh: '部分节点未粘贴' }),
      localText({
        en: `Only one allowed per workflow: ${skipped.join(', ')}`,
        zh: `每个工作流只能有一个：${skipped.join('、')}`,
      }),
    );
  }
  if (!added.length) return [];
  commit((d) => {
    d.nodes.push(...added);
    d.edges.push(...addedEdges);
    for (const a of assets) if (!d.assets[a.hash]) d.assets[a.hash] = a;
    if (wasEmpty && overflowIfEmpty) d.overflow = overflowIfEmpty;
  });
  selectOnly(added.map((n) => n.id));
  return added.map((n) => n.id);
}

export function selectedFragment(): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } {
  const s = state();
  const nodes = s.doc.nodes.filter((n) => s.selectedNodes[n.id]);
  const ids = new Set(nodes.map((n) => n.id));
  const edges = s.doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return { nodes, edges };
}

export function duplicateSelection(): void {
  const { nodes, edges } = selectedFragment();
  if (nodes.length) insertFragment(nodes, edges);
}

/** Sets one param; consecutive keystrokes in one field form one undo step. */
export function setParam(nodeId: string, key: string, value: unknown, opts: { burst?: boolean } = {}): void {
  commit(
    (d) => {
      const n = d.nodes.find((x) => x.id === nodeId);
      if (!n) return;
      n.params = paramsWith(n.kind, n.params, key, value);
    },
    { group: opts.burst ? `param:${nodeId}:${key}` : undefined },
  );
}

export function setLabel(nodeId: string, label: string): void {
  commit(
    (d) => {
      const n = d.nodes.find((x) => x.id === nodeId);
      if (n) n.label = label || undefined;
    },
    { group: `label:${nodeId}` },
  );
}

export function setWorkflowMeta(key: 'name' | 'description', value: string): void {
  commit(
    (d) => {
      d[key] = value;
    },
    { group: `meta:${key}` },
  );
}

/** "When one request cannot do it all": split into steps, or one request as Fooocus would. */
export function setOverflow(value: 'steps' | 'one-request'): void {
  commit((d) => {
    d.overflow = value;
  });
}

/** Writes final positions (a drag's end, arrow-key moves) as one step. */
export function moveNodes(positions: Record<string, XY>): void {
  commit((d) => {
    for (const n of d.nodes) {
      const p = positions[n.id];
      if (p) n.position = { x: Math.round(p.x), y: Math.round(p.y) };
    }
  });
}

export function toggleExposed(nodeId: string, param: string): void {
  commit((d) => {
    const i = d.exposed.findIndex((x) => x.nodeId === nodeId && x.param === param);
    if (i >= 0) {
      d.exposed.splice(i, 1);
      return;
    }
    const taken = new Set(d.exposed.map((x) => x.name));
    let name = param;
    for (let k = 2; taken.has(name); k++) name = `${param}_${k}`;
    d.exposed.push({ nodeId, param, name });
  });
}

export function renameExposed(nodeId: string, param: string, name: string): void {
  commit(
    (d) => {
      const x = d.exposed.find((e) => e.nodeId === nodeId && e.param === param);
      if (x) x.name = name;
    },
    { group: `expose:${nodeId}:${param}` },
  );
}

/** A diagnostic's one-click fix: its edits applied as one step. */
export function applyEdits(edits: GraphEdit[]): void {
  commit((d) => {
    for (const e of edits) {
      if (e.op === 'setParam') {
        const n = d.nodes.find((x) => x.id === e.nodeId);
        if (n) n.params = paramsWith(n.kind, n.params, e.param, e.value);
      } else if (e.op === 'removeEdge') {
        d.edges = d.edges.filter((x) => x.id !== e.edgeId);
      } else if (e.op === 'removeNode') {
        removeNodesDraft(d, new Set([e.nodeId]));
      } else if (e.op === 'setOverflow') {
        d.overflow = e.value;
      }
    }
  });
}

export function setAllPositions(positions: Map<string, XY>, group?: string): void {
  commit(
    (d) => {
      for (const n of d.nodes) {
        const p = positions.get(n.id);
        if (p) n.position = { x: Math.round(p.x), y: Math.round(p.y) };
      }
    },
    { group },
  );
}
