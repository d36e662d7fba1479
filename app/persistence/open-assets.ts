import { referencedAssets } from '../../compiler/workflow-file/index.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { browserAssetStore, hasAssetRecord } from '../assets/asset-db.ts';

/**
 * Puts the image bytes a file carried (embedded in a version-2 file, or inline in a version-1 one)
 * in the browser's asset store, and returns the hashes the workflow uses that are still nowhere —
 * a file saved without images, a snippet from another browser — for the caller to report.
 */
export async function storeOpenedAssets(wf: Workflow, bytes: ReadonlyMap<string, Uint8Array>): Promise<string[]> {
  await Promise.all(
    [...bytes].map(async ([hash, b]) => {
      if (!(await hasAssetRecord(hash))) await browserAssetStore.put(b, wf.assets[hash] ?? { type: '', width: 0, height: 0 });
    }),
  );
  const missing: string[] = [];
  for (const hash of referencedAssets(wf)) if (!(await hasAssetRecord(hash))) missing.push(hash);
  return missing;
}
