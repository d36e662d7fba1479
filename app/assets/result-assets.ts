import { ASSET_STORE, openDb, reqResult, txDone } from '../persistence/idb.ts';
import { usedKey, type AssetRecord } from './asset-db.ts';

/**
 * Results are assets (one record per hash, like an uploaded photo), so "Use as Input Image" gives
 * the node the very asset the gallery shows. The gallery's limit still bounds what results take: when
 * a run goes (evicted, deleted), its result assets go too, unless another run shows them or the
 * editor uses them. "Used" is a small marker record beside the asset (`used:<hash>`, never a hash
 * key), set when a result becomes an input or when the user brings the same bytes in themselves;
 * writing it never rewrites the asset's bytes.
 */
/** Marks an asset as used by the editor: the gallery never deletes it from now on. */
export async function markAssetUsed(hash: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(ASSET_STORE, 'readwrite');
  tx.objectStore(ASSET_STORE).put(true, usedKey(hash));
  await txDone(tx);
}

export async function isAssetUsed(hash: string): Promise<boolean> {
  const db = await openDb();
  const n = await reqResult<number>(
    db.transaction(ASSET_STORE, 'readonly').objectStore(ASSET_STORE).count(usedKey(hash)),
  );
  return n > 0;
}

/**
 * Deletes the result assets among `hashes` that no gallery run in `stillShown` refers to and the
 * editor has not used, in one transaction (a marker set meanwhile is seen: it is read inside it).
 * Assets the user uploaded (not made by a run) are never deleted here. Returns the hashes deleted.
 */
export async function releaseResultAssets(
  hashes: Iterable<string>,
  stillShown: ReadonlySet<string>,
): Promise<string[]> {
  const candidates = [...new Set(hashes)].filter((h) => !stillShown.has(h));
  if (candidates.length === 0) return [];
  const db = await openDb();
  const tx = db.transaction(ASSET_STORE, 'readwrite');
  const store = tx.objectStore(ASSET_STORE);
  const deleted: string[] = [];
  for (const hash of candidates) {
    const rec = store.get(hash);
    const used = store.count(usedKey(hash));
    used.onsuccess = () => {
      const r = rec.result as AssetRecord | undefined;
      if (r?.origin === 'result' && used.result === 0) {
        store.delete(hash);
        deleted.push(hash);
      }
    };
  }
  await txDone(tx);
  return deleted;
}
