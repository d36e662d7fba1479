import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { getAssetRecord, putAssetRecord, type AssetRecord } from '../../app/assets/asset-db.ts';
import { isAssetUsed, markAssetUsed, releaseResultAssets } from '../../app/assets/result-assets.ts';

/**
 * Which result assets the gallery may delete with its runs: only ones a run made, that no other
 * run still shows and the editor does not use. (fake-indexeddb gives the real transaction rules.)
 */
let n = 0;
function record(origin?: 'result'): AssetRecord {
  const hash = (++n).toString(16).padStart(64, '0');
  return {
    meta: { hash, type: 'image/png', width: 1, height: 1, bytes: 8 },
    blob: new Blob([new Uint8Array(8)], { type: 'image/png' }),
    thumb: null,
    origin,
  };
}

const present = async (r: AssetRecord) => (await getAssetRecord(r.meta.hash)) !== null;

describe('result assets: released with their runs unless still needed', () => {
  it('deletes an unused result no run shows; keeps uploads, used results and results still shown', async () => {
    const unused = record('result');
    const used = record('result');
    const shown = record('result');
    const upload = record();
    for (const r of [unused, used, shown, upload]) await putAssetRecord(r);
    await markAssetUsed(used.meta.hash);
    const hashes = [unused, used, shown, upload].map((r) => r.meta.hash);
    const deleted = await releaseResultAssets(hashes, new Set([shown.meta.hash]));
    expect(deleted).toEqual([unused.meta.hash]);
    expect(await present(unused)).toBe(false);
    for (const r of [used, shown, upload]) expect(await present(r)).toBe(true);
  });

  it('the user bringing in the same bytes as a result marks it used (never deleted with its run)', async () => {
    const result = record('result');
    await putAssetRecord(result);
    expect(await isAssetUsed(result.meta.hash)).toBe(false);
    await putAssetRecord({ ...result, origin: undefined });
    expect(await isAssetUsed(result.meta.hash)).toBe(true);
    expect(await releaseResultAssets([result.meta.hash], new Set())).toEqual([]);
    expect(await present(result)).toBe(true);
  });

  it('a result stored again by a run is still one record, not a second copy', async () => {
    const result = record('result');
    await putAssetRecord(result);
    await putAssetRecord(result);
    expect(await isAssetUsed(result.meta.hash)).toBe(false);
    expect((await getAssetRecord(result.meta.hash))?.origin).toBe('result');
  });
});
