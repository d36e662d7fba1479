import type { AssetMeta } from '../../nodes/assets.ts';
import { analyseImageBlob, hasAssetRecord, writeAssetRecord, type AssetRecord } from '../assets/asset-db.ts';
import { releaseResultAssets } from '../assets/result-assets.ts';
import { listRuns, runAssetHashes, updateRun, type StoredImage, type StoredRun } from './gallery-db.ts';

/**
 * Runs stored before results were assets hold their images as blobs in the gallery's database:
 * "Use as Input Image" then copied them and the asset store could not share them. On open, each
 * such image becomes a result asset, once. Never losing a result if the page closes part-way is
 * a matter of order:
 * 1. the image's bytes are written to the asset store (committed) while the run keeps its blob;
 * 2. then the run, re-read and rewritten in one transaction, refers to the asset instead.
 * Interrupted after 1, the run still has its blob and the next open finishes it (writing an asset
 * that is there is a no-op). A run deleted meanwhile (another tab) gets its new assets released.
 */
type Analyse = (blob: Blob) => Promise<AssetRecord>;

const hasBlob = (i: StoredImage): i is StoredImage & { blob: Blob } => !!i.blob && !i.asset;

/** Step 1: the run's blob images into the asset store, by image index (images that do not decode stay blobs). */
export async function storeRunImagesAsAssets(
  run: StoredRun,
  analyse: Analyse = analyseImageBlob,
): Promise<Map<number, AssetRecord>> {
  const recs = new Map<number, AssetRecord>();
  for (const [k, img] of run.images.entries()) {
    if (!hasBlob(img)) continue;
    try {
      const rec: AssetRecord = { ...(await analyse(img.blob)), origin: 'result' };
      await writeAssetRecord(rec);
      recs.set(k, rec);
    } catch {
      // Not an image this browser reads, or storage refused it: the run keeps the blob.
    }
  }
  return recs;
}

/** Step 2: the run, as stored now, refers to the assets written for it; null when it is gone. */
export async function pointRunAtAssets(
  id: string,
  recs: ReadonlyMap<number, AssetRecord>,
): Promise<StoredRun | null> {
  const asAsset = (img: StoredImage, meta: AssetMeta): StoredImage => {
    const { blob: _bytesNowInTheAssetStore, ...rest } = img;
    return { ...rest, asset: meta };
  };
  return updateRun(id, (run) => ({
    ...run,
    images: run.images.map((img, k) => {
      const rec = recs.get(k);
      // The same image it was analysed from (by size): a run's images never change, but be sure.
      return rec && hasBlob(img) && img.blob.size === rec.meta.bytes ? asAsset(img, rec.meta) : img;
    }),
  }));
}

/**
 * Migrates every run that still holds blobs; `onMigrated` gets each rewritten run. Returns how
 * many runs were rewritten.
 */
export async function migrateBlobRuns(
  onMigrated: (run: StoredRun) => void = () => undefined,
  analyse: Analyse = analyseImageBlob,
): Promise<number> {
  let n = 0;
  for (const run of await listRuns()) {
    if (!run.images.some(hasBlob)) continue;
    const recs = await storeRunImagesAsAssets(run, analyse);
    if (recs.size === 0) continue;
    const written = await pointRunAtAssets(run.id, recs);
    const hashes = [...recs.values()].map((r) => r.meta.hash);
    if (!written) {
      // Deleted while its images were being stored: those assets have no run to show them.
      await releaseResultAssets(hashes, new Set((await listRuns()).flatMap(runAssetHashes)));
      continue;
    }
    // A run with the same bytes deleted meanwhile may have released the asset before this run
    // referred to it: the bytes are still here, put them back.
    for (const rec of recs.values()) if (!(await hasAssetRecord(rec.meta.hash))) await writeAssetRecord(rec);
    onMigrated(written);
    n++;
  }
  return n;
}
