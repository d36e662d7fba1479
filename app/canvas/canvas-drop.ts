import { update, type XY } from '../store/editor-store.ts';
import { addNode } from '../store/graph-actions.ts';
import { isImageFile, isJsonFile, readImageFile } from '../lib/images.ts';
import { openWorkflowText } from '../persistence/files.ts';

export const KIND_MIME = 'application/x-fooocus-kind';

/** A drop on the canvas: a palette entry adds that node, an image file an Input Image node, a .json file opens it. */
export async function handleCanvasDrop(dt: DataTransfer, position: XY): Promise<void> {
  const kind = dt.getData(KIND_MIME);
  if (kind) {
    addNode(kind, position);
    return;
  }
  const files = [...dt.files];
  let offset = 0;
  for (const f of files) {
    if (isJsonFile(f)) {
      openWorkflowText(await f.text(), f.name);
      return;
    }
    if (isImageFile(f)) {
      const img = await readImageFile(f);
      addNode(
        'inputImage',
        { x: position.x + offset, y: position.y + offset },
        {
          image: img.dataUrl,
          width: img.width,
          height: img.height,
        },
      );
      offset += 32;
    }
  }
  update((s) => {
    s.pending = null;
  });
}
