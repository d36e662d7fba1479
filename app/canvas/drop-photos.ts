import { getKind } from '../../nodes/registry.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import { admitImage, HEAD_BYTES } from '../assets/image-admission.ts';
import { refusalOf } from '../assets/import-image.ts';
import { importIntoNode } from '../assets/node-image-import.ts';
import { kindFields } from '../lib/schema-fields.ts';
import { commit, toast, useEditor, type XY } from '../store/editor-store.ts';
import { setParamsOfAddedNode } from '../store/fold-into-add.ts';
import { deleteNodes, freshNode, selectOnly } from '../store/graph-actions.ts';

/** Why a file is refused, from its first bytes (no image, a decompression bomb, unreadable); null: taken. */
async function refusalByHeader(file: File): Promise<{ title: string; reason: string } | null> {
  try {
    admitImage(new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer()));
    return null;
  } catch (err) {
    return refusalOf(err, file.name || 'image');
  }
}

/**
 * Photos dropped or pasted on the canvas: an Input Image node for each, at once (one undo step for
 * all of them), each taking its file in as a file chosen on the node does — its thumbnail as soon
 * as the asset worker has drawn it, the stored asset when the hash is known. The worker queue takes
 * the files in order, two at a time, so the first thumbnails come first and ten photos never
 * decode together. The stored image joins the step that added the node (`setParamsOfAddedNode`),
 * so one Ctrl+Z removes the dropped nodes, whenever their hashes arrive.
 *
 * A file refused by its header (no image, a decompression bomb: read from its first bytes, nothing
 * decoded) gets no node: a notice names it and says what to do. A file that passes but still fails
 * in the worker (unreadable) has its node removed, with the same notice.
 */
export async function dropPhotos(files: File[], position: XY): Promise<string[]> {
  const checked = await Promise.all(files.map(async (f) => ({ f, refused: await refusalByHeader(f) })));
  for (const { refused } of checked) if (refused) toast('error', refused.title, refused.reason);
  const taken = checked.filter((c) => !c.refused).map((c) => c.f);
  if (taken.length === 0) return [];

  const ids = new Set(useEditor.getState().doc.nodes.map((n) => n.id));
  const nodes: WorkflowNode[] = [];
  for (let i = 0; i < taken.length; i++) {
    const node = freshNode('inputImage', { x: position.x + 32 * i, y: position.y + 32 * i }, ids)!;
    ids.add(node.id);
    nodes.push(node);
  }
  commit((d) => {
    for (const n of nodes) d.nodes.push(n);
  });
  selectOnly(nodes.map((n) => n.id));

  const field = imageField('inputImage')!;
  for (const [i, file] of taken.entries()) {
    const id = nodes[i]!.id;
    void importIntoNode(id, field, file, {
      refuseOnNode: false,
      placeholder: true,
      place: (img) =>
        setParamsOfAddedNode(
          id,
          { [field]: img.ref, width: img.meta.width, height: img.meta.height },
          img.meta,
        ),
    }).then((r) => {
      if (r.ok) return;
      toast('error', r.title, r.reason);
      if (useEditor.getState().doc.nodes.some((n) => n.id === id)) deleteNodes([id]);
    });
  }
  return nodes.map((n) => n.id);
}

/** The image field of a kind of node (Input Image, Mask), if it has one. */
export function imageField(kindName: string): string | null {
  const kind = getKind(kindName);
  return (kind && kindFields(kind).find((f) => f.widget === 'image')?.key) ?? null;
}
