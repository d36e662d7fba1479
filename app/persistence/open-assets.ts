import { ImageTooLargeError } from '../../compiler/prepare/pixel-budget.ts';
import { referencedAssets } from '../../compiler/workflow-file/index.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { hasAssetRecord, storedAssets, storeImageBlob } from '../assets/asset-db.ts';
import { showAsset } from '../assets/asset-view.ts';

/**
 * Puts the image bytes a file carried (embedded in a version-2 file, or inline in a version-1 one)
 * in the browser's asset store, and returns the hashes the workflow uses that are still nowhere —
 * a file saved without images, a snippet from another browser — for the caller to report.
 */
export async function storeOpenedAssets(
  wf: Workflow,
  bytes: ReadonlyMap<string, Uint8Array>,
  /** Told of each embedded image refused by its header (over the pixel budget), never decoded. */
  onTooLarge?: (hash: string, err: ImageTooLargeError) => void,
): Promise<string[]> {
  await Promise.all(
    [...bytes].map(async ([hash, b]) => {
      if (await hasAssetRecord(hash)) return;
      // Bytes that match their hash but are no image this browser decodes stay out (reported missing).
      const rec = await storeImageBlob(new Blob([b as Uint8Array<ArrayBuffer>])).catch((err: unknown) => {
        if (err instanceof ImageTooLargeError) onTooLarge?.(hash, err);
        return null;
      });
      if (rec) showAsset(rec);
    }),
  );
  return (await storedAssets(referencedAssets(wf))).missing;
}
