/**
 * The editor's one IndexedDB database: `kv` (key → value: the autosaved draft) and `assets` (image
 * bytes by SHA-256, see `app/assets/asset-db.ts`). Results live in their own database (gallery-db).
 */
const DB_NAME = 'fooocus-flow';
const STORE = 'kv';
export const ASSET_STORE = 'assets';

let dbPromise: Promise<IDBDatabase> | null = null;
/** The open database, once open: a write started from `pagehide` must not wait a task for it. */
let openDb_: IDBDatabase | null = null;

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
        openDb_ = null;
      };
      openDb_ = db;
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

/** Every value whose key starts with `prefix`, with its key. */
export async function idbGetPrefixed<T>(prefix: string): Promise<{ key: string; value: T }[]> {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const store = db.transaction(STORE, 'readonly').objectStore(STORE);
    const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    const keys = store.getAllKeys(range);
    const values = store.getAll(range);
    values.onsuccess = () =>
      resolve((values.result as T[]).map((value, i) => ({ key: String(keys.result[i]), value })));
    values.onerror = () => reject(values.error ?? new Error('indexedDB get failed'));
  });
}

export async function idbDelete(key: string): Promise<void> {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('indexedDB delete failed'));
    tx.onabort = () => reject(tx.error ?? new Error('indexedDB delete aborted'));
  });
}

/**
 * Writes a value with no read first and asks for the commit at once: the whole transaction is
 * handed to the browser before this returns, so it survives the page going away right after
 * (a read-then-write transaction needs the page alive for its second step). Only when the database
 * is already open; returns false otherwise.
 */
export function idbPutNow<T>(key: string, value: T): boolean {
  if (!openDb_) return false;
  try {
    const tx = openDb_.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).put(value, key);
    tx.commit?.();
    return true;
  } catch {
    return false;
  }
}

interface UpdateOptions {
  /** A key deleted in the same transaction when `decide` writes. */
  deleteWhenWritten?: string | undefined;
  /** Resolve only once the data is on disk (durability "strict"), not merely committed. */
  durable?: boolean | undefined;
}

function update<T>(
  db: IDBDatabase,
  key: string,
  decide: (current: T | undefined) => T | null,
  opts: UpdateOptions,
): Promise<T | null> {
  const { deleteWhenWritten, durable } = opts;
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite', { durability: durable ? 'strict' : 'default' });
    const store = tx.objectStore(STORE);
    let written: T | null = null;
    const req = store.get(key);
    req.onsuccess = () => {
      try {
        written = decide(req.result as T | undefined);
        if (written !== null) {
          store.put(written, key);
          if (deleteWhenWritten) store.delete(deleteWhenWritten);
        }
      } catch (e) {
        // e.g. DataCloneError from put: nothing of this transaction may stay
        tx.abort();
        reject(e);
      }
    };
    tx.oncomplete = () => resolve(written);
    tx.onerror = () => reject(tx.error ?? new Error('indexedDB write failed'));
    tx.onabort = () => reject(tx.error ?? new Error('indexedDB write aborted'));
  });
}

/**
 * Reads, decides and writes in one readwrite transaction, so two tabs cannot interleave between
 * the check and the write. `decide` returns the value to write, or null to leave the store as is.
 * Resolves once the transaction committed. When the database is already open the transaction is
 * started synchronously (before this returns), so a write begun in `pagehide` is queued while the
 * page still runs; IndexedDB runs readwrite transactions on one store in the order they were made.
 */
export function idbUpdate<T>(
  key: string,
  decide: (current: T | undefined) => T | null,
  opts: UpdateOptions = {},
): Promise<T | null> {
  if (openDb_) return update(openDb_, key, decide, opts);
  return openDb().then((db) => update(db, key, decide, opts));
}
