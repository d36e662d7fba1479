import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getAssetRecord, type AssetRecord } from '../../app/assets/asset-db.ts';
import { addRun, deleteRun, listRuns, type StoredRun } from '../../app/run/gallery-db.ts';
import { migrateBlobRuns, pointRunAtAssets, storeRunImagesAsAssets } from '../../app/run/gallery-migrate.ts';

/**
 * Gallery runs stored before results were assets keep their images as blobs; on open they become
 * result assets, once, and a migration cut short never loses an image. (fake-indexeddb gives the
 * real transaction rules; the worker's analysis is replaced by a hash of the bytes.)
 */
const analysed: Blob[] = [];
async function analyse(blob: Blob): Promise<AssetRecord> {
  analysed.push(blob);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  if (bytes[0] === 0) throw new Error('not an image');
  const hash = createHash('sha256').update(bytes).digest('hex');
  return {
    meta: { hash, type: 'image/png', width: 64, height: 48, bytes: bytes.length },
    blob,
    thumb: null,
  };
}

let n = 0;
const png = (fill: number, size = 32) => new Blob([new Uint8Array(size).fill(fill)], { type: 'image/png' });
function oldRun(blobs: Blob[]): StoredRun {
  const id = `run-old-${++n}`;
  return {
    id,
    at: 1000 + n,
    seed: 1,
    name: id,
    workflow: {} as StoredRun['workflow'],
    requestJson: '{}',
    images: blobs.map((blob, i) => ({ blob, width: 64, height: 48, url: `http://engine/${id}/${i}.png` })),
    stopped: false,
    bytes: blobs.reduce((s, b) => s + b.size, 0),
  };
}
const stored = async (id: string) => (await listRuns()).find((r) => r.id === id);
const sha = async (b: Blob) =>
  createHash('sha256')
    .update(new Uint8Array(await b.arrayBuffer()))
    .digest('hex');

describe('gallery runs with blobs become result assets', () => {
  it('moves every blob image into the asset store and the run refers to it; a second pass has nothing to do', async () => {
    const a = oldRun([png(1), png(2)]);
    const b = oldRun([png(3)]);
    await addRun(a);
    await addRun(b);
    const migrated: string[] = [];
    expect(await migrateBlobRuns((r) => migrated.push(r.id), analyse)).toBeGreaterThanOrEqual(2);
    expect(migrated).toEqual(expect.arrayContaining([a.id, b.id]));
    for (const run of [a, b]) {
      const now = (await stored(run.id))!;
      expect(now.bytes).toBe(run.bytes);
      for (const [k, img] of now.images.entries()) {
        expect(img.blob).toBeUndefined();
        expect(img.asset?.hash).toBe(await sha(run.images[k]!.blob!));
        expect(img.url).toBe(run.images[k]!.url);
        const rec = (await getAssetRecord(img.asset!.hash))!;
        expect(rec.origin).toBe('result');
        expect(new Uint8Array(await rec.blob.arrayBuffer())).toEqual(
          new Uint8Array(await run.images[k]!.blob!.arrayBuffer()),
        );
      }
    }
    analysed.length = 0;
    expect(await migrateBlobRuns(undefined, analyse)).toBe(0);
    expect(analysed).toEqual([]);
  });

  it('cut short after the assets were written, the run still has its blobs; the next open finishes it', async () => {
    const run = oldRun([png(4), png(5)]);
    await addRun(run);
    // The page closes after step 1: the assets are there, the run was not rewritten.
    const recs = await storeRunImagesAsAssets(run, analyse);
    expect(recs.size).toBe(2);
    const half = (await stored(run.id))!;
    expect(half.images.every((i) => i.blob && !i.asset)).toBe(true);
    expect(await getAssetRecord(await sha(run.images[0]!.blob!))).not.toBeNull();

    await migrateBlobRuns(undefined, analyse);
    const done = (await stored(run.id))!;
    expect(done.images.map((i) => [!!i.blob, i.asset?.hash])).toEqual([
      [false, await sha(run.images[0]!.blob!)],
      [false, await sha(run.images[1]!.blob!)],
    ]);
  });

  it('an image that cannot be read stays a blob in its run; the others become assets', async () => {
    const run = oldRun([png(0), png(6)]);
    await addRun(run);
    await migrateBlobRuns(undefined, analyse);
    const now = (await stored(run.id))!;
    expect(now.images[0]!.blob).toBeInstanceOf(Blob);
    expect(now.images[0]!.asset).toBeUndefined();
    expect(now.images[1]!.blob).toBeUndefined();
    expect(now.images[1]!.asset?.hash).toBe(await sha(run.images[1]!.blob!));
  });

  it('a run deleted (another tab) while its images were stored: not written back, its new assets released', async () => {
    const run = oldRun([png(7)]);
    await addRun(run);
    const hash = await sha(run.images[0]!.blob!);
    const deletingMeanwhile = async (blob: Blob) => {
      const rec = await analyse(blob);
      await deleteRun(run.id);
      return rec;
    };
    const migrated: string[] = [];
    await migrateBlobRuns((r) => migrated.push(r.id), deletingMeanwhile);
    expect(migrated).not.toContain(run.id);
    expect(await stored(run.id)).toBeUndefined();
    expect(await getAssetRecord(hash)).toBeNull();
  });

  it('step 2 alone for a run that is gone writes nothing', async () => {
    const run = oldRun([png(8)]);
    await addRun(run);
    const recs = await storeRunImagesAsAssets(run, analyse);
    await deleteRun(run.id);
    expect(await pointRunAtAssets(run.id, recs)).toBeNull();
    expect(await stored(run.id)).toBeUndefined();
  });
});
