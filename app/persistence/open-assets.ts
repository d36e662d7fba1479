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
): Promise<string[]> {
  await Promise.all(
    [...bytes].map(async ([hash, b]) => {
      if (await hasAssetRecord(hash)) return;
      // Bytes that match their hash but are no image this browser decodes stay out (reported missing).
      const rec = await storeImageBlob(new Blob([b as Uint8Array<ArrayBuffer>])).catch(() => null);
      if (rec) showAsset(rec);
    }),
  );
  return (await storedAssets(referencedAssets(wf))).missing;
}
