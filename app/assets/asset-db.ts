import type { AssetMeta, AssetStore } from '../../nodes/assets.ts';
import { ASSET_STORE, openDb, reqResult, txDone } from '../persistence/idb.ts';
import { analyseImage } from './worker-client.ts';

/**
 * Image bytes in IndexedDB, one record per SHA-256 hash: shared by every tab of this browser (a
 * snippet copied in one tab pastes in another), kept across reloads, written once however often
 * the same photo is used.
 */
export interface AssetRecord {
  meta: AssetMeta;
  /** The file as uploaded (a Blob: IndexedDB keeps it out of the JS heap until read). */
  blob: Blob;
  /** Null when the browser could not decode the image (kept anyway: the node reports it). */
  thumb: Blob | null;
  /**
   * 'result' when a run made it (the gallery stored it): the gallery may delete it again with its
   * run unless the editor uses it (see result-assets.ts). Absent for what the user brought in.
   */
  origin?: 'result' | undefined;
}

/** The key of the marker saying the editor uses an asset (beside the hash keys, never one of them). */
export const usedKey = (hash: string) => `used:${hash}`;

export async function getAssetRecord(hash: string): Promise<AssetRecord | null> {
  const db = await openDb();
  const rec = await reqResult<AssetRecord | undefined>(
    db.transaction(ASSET_STORE, 'readonly').objectStore(ASSET_STORE).get(hash),
  );
  return rec ?? null;
}

/**
 * Writes a record unless one with its hash is there (same hash, same bytes). The user bringing in
 * bytes a run made (a downloaded result uploaded again) marks that result as used, so the
 * gallery never deletes what a node now shows.
 */
export async function putAssetRecord(rec: AssetRecord): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(ASSET_STORE, 'readwrite');
  const store = tx.objectStore(ASSET_STORE);
  const req = store.get(rec.meta.hash);
  req.onsuccess = () => {
    const have = req.result as AssetRecord | undefined;
    if (!have) store.put(rec, rec.meta.hash);
    else if (have.origin === 'result' && rec.origin !== 'result') store.put(true, usedKey(rec.meta.hash));
  };
  await txDone(tx);
}

export async function hasAssetRecord(hash: string): Promise<boolean> {
  const db = await openDb();
  const n = await reqResult<number>(
    db.transaction(ASSET_STORE, 'readonly').objectStore(ASSET_STORE).count(hash),
  );
  return n > 0;
}

/** Which of these assets this browser has (with their metadata) and which it does not. */
export async function storedAssets(
  hashes: readonly string[],
): Promise<{ metas: AssetMeta[]; missing: string[] }> {
  const metas: AssetMeta[] = [];
  const missing: string[] = [];
  for (const h of hashes) {
    const rec = await getAssetRecord(h).catch(() => null);
    if (rec) metas.push(rec.meta);
    else missing.push(h);
  }
  return { metas, missing };
}

/** Writes still under way: a draft that refers to an asset is saved only once the asset is. */
const writing = new Set<Promise<void>>();

/** Resolves when every asset write started so far has finished (stored or failed). */
export async function assetWritesSettled(): Promise<void> {
  await Promise.allSettled([...writing]);
}

/** Starts writing a record; the promise is also tracked for `assetWritesSettled`. */
export function writeAssetRecord(rec: AssetRecord): Promise<void> {
  const p = putAssetRecord(rec);
  writing.add(p);
  void p.catch(() => undefined).finally(() => writing.delete(p));
  return p;
}

/**
 * Hash, metadata and thumbnail of an image, computed off the main thread (nothing stored yet).
 * `onPreview` gets the thumbnail first, before the hash is known.
 */
export async function analyseImageBlob(blob: Blob, onPreview?: (thumb: Blob) => void): Promise<AssetRecord> {
  const { thumb, ...meta } = await analyseImage(blob, onPreview);
  // Keep the bytes with the type their header gives, whatever the file claimed.
  return { meta, blob: blob.type === meta.type ? blob : new Blob([blob], { type: meta.type }), thumb };
}

/** Analyses an image off the main thread and stores it; its metadata and thumbnail come back. */
export async function storeImageBlob(blob: Blob): Promise<AssetRecord> {
  const rec = await analyseImageBlob(blob);
  await writeAssetRecord(rec);
  return rec;
}

/** `AssetStore` over IndexedDB: what the compiler's `prepare`, file save/open and paste read through. */
export const browserAssetStore: AssetStore = {
  async get(hash) {
    const rec = await getAssetRecord(hash);
    return rec ? new Uint8Array(await rec.blob.arrayBuffer()) : null;
  },
  async head(hash, length) {
    // Only the slice is read from disk: the pixel check measures a 7 MB photo by its first bytes.
    const rec = await getAssetRecord(hash);
    return rec ? new Uint8Array(await rec.blob.slice(0, length).arrayBuffer()) : null;
  },
  async put(bytes) {
    // Type and size are measured from the bytes, not taken on trust from a file.
    const rec = await storeImageBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    return rec.meta;
  },
  has: hasAssetRecord,
};
