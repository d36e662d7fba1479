import { update, useEditor, type XY } from '../store/editor-store.ts';
import { addNode } from '../store/graph-actions.ts';
import { isJsonFile } from '../lib/images.ts';
import { importIntoNode } from '../assets/node-image-import.ts';
import { openWorkflowText } from '../persistence/files.ts';
import { dropPhotos, imageField } from './drop-photos.ts';

const isRequestTextFile = (f: File) => f.type === 'text/plain' || /\.(py|txt|sh|curl)$/i.test(f.name);

export const KIND_MIME = 'application/x-fooocus-kind';

/** The node with an image field (Input Image, Mask) that a drop landed on, and that field. */
function imageNodeAt(target: EventTarget | null): { id: string; field: string } | null {
  const el = target instanceof Element ? target.closest('.react-flow__node') : null;
  const id = el?.getAttribute('data-id');
  const node = id ? useEditor.getState().doc.nodes.find((n) => n.id === id) : undefined;
  const field = node ? imageField(node.kind) : null;
  return node && field ? { id: node.id, field } : null;
}

/**
 * A drop on the canvas: a palette entry adds that node, a .json file opens it, other files are
 * photos — on a node with an image field the (first) file goes to that node, as choosing it there
 * does (a refusal is said on that node); the others each get an Input Image node.
 */
export async function handleCanvasDrop(
  dt: DataTransfer,
  position: XY,
  target?: EventTarget | null,
): Promise<void> {
  const kind = dt.getData(KIND_MIME);
  if (kind) {
    addNode(kind, position);
    return;
  }
  const files = [...dt.files];
  // A workflow, or a FooocusAPI request as JSON, Python or curl (openWorkflowText tells them apart).
  const json = files.find((f) => isJsonFile(f) || isRequestTextFile(f));
  if (json) {
    await openWorkflowText(await json.text(), json.name);
    return;
  }
  const text = files.length === 0 ? dt.getData('text/plain') : '';
  if (text.trim()) {
    await openWorkflowText(text, 'Dropped request');
    return;
  }
  update((s) => {
    s.pending = null;
  });
  const onNode = imageNodeAt(target ?? null);
  const [first, ...rest] = files;
  if (onNode && first) {
    void importIntoNode(onNode.id, onNode.field, first, { view: 'node' });
    if (rest.length) await dropPhotos(rest, position);
    return;
  }
  // Any other file is refused by name (not an image, a decompression bomb) when its header is read.
  await dropPhotos(files, position);
}
