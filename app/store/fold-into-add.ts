import { produce, type Patch } from 'immer';
import type { AssetMeta } from '../../nodes/assets.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import { useEditor } from './editor-store.ts';
import type { HistoryEntry } from './history.ts';

/** Where in an entry's patches the node is added (`d.nodes.push(node)` gives one `add nodes/<i>`). */
function addPatchOf(entry: HistoryEntry, nodeId: string): number {
  return entry.patches.findIndex(
    (p) =>
      p.op === 'add' &&
      p.path.length === 2 &&
      p.path[0] === 'nodes' &&
      (p.value as WorkflowNode | undefined)?.id === nodeId,
  );
}

/**
 * Gives a node parameters as if the step that added it had given them: a photo dropped on the
 * canvas gets its node at once and its stored image later, when the hash is known, and the user
 * may have typed elsewhere meanwhile. The image is not an action of its own: undo must not first
 * empty the node and then remove it, and redo of the drop must bring the node back with its image.
 * So the document changes without a step of its own, and the step that added the node (in the
 * undo or the redo list) is rewritten to add it with these parameters — and the asset's metadata,
 * when the document does not have it yet. Only the node's own `add` patch changes: its removal
 * (the inverse) and every other step's patches stay valid, as no path moves.
 *
 * Returns false when neither the document nor the history has the node (a document opened since).
 */
export function setParamsOfAddedNode(
  nodeId: string,
  params: Record<string, unknown>,
  asset?: AssetMeta,
): boolean {
  const s = useEditor.getState();
  const newAsset = asset && !s.doc.assets[asset.hash] ? asset : undefined;
  let found = false;
  const amend = (entry: HistoryEntry): HistoryEntry => {
    const k = addPatchOf(entry, nodeId);
    if (k < 0) return entry;
    found = true;
    const add = entry.patches[k]!;
    const node = add.value as WorkflowNode;
    const patches: Patch[] = entry.patches.slice();
    patches[k] = { ...add, value: { ...node, params: { ...node.params, ...params } } };
    let inverse = entry.inverse;
    if (newAsset) {
      patches.push({ op: 'add', path: ['assets', newAsset.hash], value: newAsset });
      inverse = [{ op: 'remove', path: ['assets', newAsset.hash] }, ...inverse];
    }
    return { ...entry, patches, inverse };
  };
  const past = s.history.past.map(amend);
  const future = s.history.future.map(amend);
  const inDoc = s.doc.nodes.some((n) => n.id === nodeId);
  if (!inDoc && !found) return false;
  const doc = inDoc
    ? produce(s.doc, (d) => {
        const n = d.nodes.find((x) => x.id === nodeId)!;
        Object.assign(n.params, params);
        if (newAsset) d.assets[newAsset.hash] = newAsset;
      })
    : s.doc;
  useEditor.setState({
    doc,
    docRevision: inDoc ? s.docRevision + 1 : s.docRevision,
    history: found ? { ...s.history, past, future } : s.history,
  });
  return true;
}
