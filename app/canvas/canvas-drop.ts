import { update, type XY } from '../store/editor-store.ts';
import { addNode } from '../store/graph-actions.ts';
import { isImageFile, isJsonFile } from '../lib/images.ts';
import { importImage, type ImportedImage } from '../assets/import-image.ts';
import { openWorkflowText } from '../persistence/files.ts';

const isRequestTextFile = (f: File) => f.type === 'text/plain' || /\.(py|txt|sh|curl)$/i.test(f.name);

export const KIND_MIME = 'application/x-fooocus-kind';

/** A drop on the canvas: a palette entry adds that node, an image file an Input Image node, a .json file opens it. */
export async function handleCanvasDrop(dt: DataTransfer, position: XY): Promise<void> {
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
  // Photos are read in parallel off the main thread; each node appears as soon as its photo is in.
  await Promise.all(
    files.filter(isImageFile).map((f, i) =>
      importImage(f, f.name).then((img) => {
        if (img) addImageNode(img, { x: position.x + 32 * i, y: position.y + 32 * i });
      }),
    ),
  );
}

/** A new Input Image node holding an imported image. */
export function addImageNode(img: ImportedImage, position: XY): string | null {
  return addNode('inputImage', position, { image: img.ref, width: img.meta.width, height: img.meta.height }, [
    img.meta,
  ]);
}
