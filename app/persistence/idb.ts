/**
 * The editor's one IndexedDB database: `kv` (key → value: the autosaved draft) and `assets` (image
 * bytes by SHA-256, see `app/assets/asset-db.ts`). Results live in their own database (gallery-db).
 */
const DB_NAME = 'fooocus-flow';
const STORE = 'kv';
export const ASSET_STORE = 'assets';

let dbPromise: Promise<IDBDatabase> | null = null;

export function openDb(): Promise<IDBDatabase> {
  dbPromise ??= new Promise((resolve, reject) => {
    // Version 2 adds the asset store; a version-1 database keeps its draft.
    const req = indexedDB.open(DB_NAME, 2);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
      if (!db.objectStoreNames.contains(ASSET_STORE)) db.createObjectStore(ASSET_STORE);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab upgrading the database (a newer editor) needs this connection closed.
      db.onversionchange = () => {
        db.close();
        dbPromise = null;
      };
      resolve(db);
    };
    req.onerror = () => {
      dbPromise = null;
      reject(req.error ?? new Error('indexedDB open failed'));
    };
  });
  return dbPromise;
}

/** Resolves when a transaction has committed. */
export function txDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('indexedDB failed'));
    tx.onabort = () => reject(tx.error ?? new Error('indexedDB aborted'));
  });
}

/** One request's result. */
export function reqResult<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error ?? new Error('indexedDB request failed'));
  });
}

export async function idbGet<T>(key: string): Promise<T | undefined> {
  const db = await openDb();
  return reqResult<T | undefined>(db.transaction(STORE, 'readonly').objectStore(STORE).get(key));
}

/**
 * Reads, decides and writes in one readwrite transaction, so two tabs cannot interleave between
 * the check and the write. `decide` returns the value to write, or null to leave the store as is.
 */
export async function idbUpdate<T>(
  key: string,
  decide: (current: T | undefined) => T | null,
): Promise<T | null> {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    let written: T | null = null;
    const req = store.get(key);
    req.onsuccess = () => {
      written = decide(req.result as T | undefined);
      if (written !== null) store.put(written, key);
    };
    tx.oncomplete = () => resolve(written);
    tx.onerror = () => reject(tx.error ?? new Error('indexedDB write failed'));
    tx.onabort = () => reject(tx.error ?? new Error('indexedDB write aborted'));
  });
}
