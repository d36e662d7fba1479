import type { AssetMeta } from '../../nodes/assets.ts';
import type { Workflow } from '../../nodes/graph.ts';
import type { LocalText } from '../../nodes/types.ts';
import type { Plan, StepInputField } from '../../compiler/types.ts';

/**
 * Every run's results, in their own IndexedDB database: one record per run with its images, the
 * workflow and the request that made them. The images' bytes are assets (the asset store, by
 * hash: see app/assets/result-assets.ts), so a result used as an input is the same asset; runs
 * stored before that hold their images as blobs here. The total is bounded; the oldest runs go
 * first when a new one would not fit (in the same transaction as the insert: see addRun).
 */
export interface StoredImage {
  /** The result as an asset: its bytes are in the asset store under `asset.hash`. */
  asset?: AssetMeta | undefined;
  /** The bytes, in runs stored before results were assets (never with `asset`). */
  blob?: Blob | undefined;
  width: number;
  height: number;
  /** The server's URL at the time (it may be gone later: the blob is what the gallery shows). */
  url: string;
  /** The plan step that made it ("Vary (Strong)", "Enhance region #1: face"), when that is certain. */
  step?: LocalText | undefined;
  /** The request (1-based) that made it, for a graph run as several requests (a pipeline). */
  requestStep?: number | undefined;
  /** In a batch's entry: the item (its input file's name) this result belongs to. */
  label?: string | undefined;
}

/** One request of a pipeline run as the gallery keeps it: enough to replay the pipeline. */
export interface StoredStep {
  /** 1-based. */
  step: number;
  /** The request as compiled (images by reference; the input field holds the previous step's placeholder). */
  requestJson: string;
  taskIds: string[];
  /** Why the graph is cut at this step's first node (English). */
  reason?: string | undefined;
  /** Tasks of attempts of this step that failed before a retry. */
  failedTaskIds?: string[] | undefined;
  /** The field that takes the previous step's result, and which step that is (1-based). */
  input?: { field: StepInputField; fromStep: number } | undefined;
  /** The step's plan (mode, stages, images): what a replay script needs to pick the images that go on. */
  plan?: Plan | undefined;
}

export interface StoredRun {
  id: string;
  /** Epoch ms when the run finished. */
  at: number;
  seed: number;
  name: string;
  workflow: Workflow;
  /** The request as sent (JSON text: it can hold large inline images). */
  requestJson: string;
  images: StoredImage[];
  /** Stopped runs keep what was finished. */
  stopped: boolean;
  /** Fewer images than planned, in plain words (an Enhance Region that found nothing). */
  stepNote?: LocalText | undefined;
  /** The editor run that made it (its journal row is deleted once the run is kept). */
  runId?: string | undefined;
  /** A graph run as several requests: each step's request (JSON text), task ids and why it starts there. */
  steps?: StoredStep[] | undefined;
  /** An editor batch ("Run as batch…"): one entry grows as its items finish (app/batch/batch-gallery.ts). */
  batch?:
    | {
        id: string;
        /** `workflow` is the one the batch was made from ("Open workflow"); entries filed before that have the canvas's. */
        hasWorkflow?: boolean | undefined;
      }
    | undefined;
  bytes: number;
}

const DB = 'fooocus-flow-results';
const STORE = 'runs';
/** Default bound of the whole gallery. */
export const DEFAULT_GALLERY_BYTES = 300 * 1024 * 1024;

let dbp: Promise<IDBDatabase> | null = null;
function open(): Promise<IDBDatabase> {
  dbp ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('indexedDB open failed'));
  });
  return dbp;
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('indexedDB failed'));
    tx.onabort = () => reject(tx.error ?? new Error('indexedDB aborted'));
  });
}

export async function listRuns(): Promise<StoredRun[]> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const req = db.transaction(STORE, 'readonly').objectStore(STORE).getAll();
    req.onsuccess = () => resolve((req.result as StoredRun[]).sort((a, b) => a.at - b.at));
    req.onerror = () => reject(req.error ?? new Error('indexedDB read failed'));
  });
}

export function runBytes(run: Omit<StoredRun, 'bytes'>): number {
  return (
    run.images.reduce((n, i) => n + (i.asset?.bytes ?? i.blob?.size ?? 0), 0) +
    run.requestJson.length +
    (run.steps ?? []).reduce((n, x) => n + x.requestJson.length, 0) +
    JSON.stringify(run.workflow).length
  );
}

/**
 * Which runs to drop (oldest first) so that `incoming` fits under `limit`. A run bigger than the
 * whole bound is still kept alone: the newest result always survives.
 */
export function evictionFor(
  existing: readonly Pick<StoredRun, 'id' | 'at' | 'bytes'>[],
  incoming: number,
  limit: number,
) {
  const sorted = [...existing].sort((a, b) => a.at - b.at);
  let total = sorted.reduce((n, r) => n + r.bytes, 0) + incoming;
  const drop: string[] = [];
  for (const r of sorted) {
    if (total <= limit) break;
    drop.push(r.id);
    total -= r.bytes;
  }
  return drop;
}

/** Browser tests only (test-hooks.ts): gallery writes are refused as by a full disk, after the deletes and the put were queued. */
let refuseAsFull = false;
export function simulateStorageFull(on: boolean): void {
  refuseAsFull = on;
}

/**
 * Adds a run and drops the oldest ones beyond the bound, in ONE readwrite transaction: the runs
 * are read, the eviction decided and the deletes and the insert made inside it, so either all of
 * it happens or none (a refused insert, e.g. QuotaExceededError, deletes nothing), and a second
 * tab adding at the same time is ordered before or after, never in between. Resolves with the ids
 * dropped once the transaction has committed (durability "strict": on disk, not just queued);
 * rejects with the browser's error otherwise.
 */
export async function addRun(run: StoredRun, limit = DEFAULT_GALLERY_BYTES): Promise<string[]> {
  return (await addRunEvicting(run, limit)).map((r) => r.id);
}

/** The hashes of the result assets a run's images refer to. */
export function runAssetHashes(run: Pick<StoredRun, 'images'>): string[] {
  return run.images.flatMap((i) => (i.asset ? [i.asset.hash] : []));
}

/** `addRun`, resolving with the runs it dropped (their assets are then the caller's to release). */
export async function addRunEvicting(run: StoredRun, limit = DEFAULT_GALLERY_BYTES): Promise<StoredRun[]> {
  const db = await open();
  const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
  const store = tx.objectStore(STORE);
  const committed = done(tx);
  const decided = new Promise<StoredRun[]>((resolve, reject) => {
    const req = store.getAll();
    req.onsuccess = () => {
      const existing = (req.result as StoredRun[]).filter((r) => r.id !== run.id);
      const ids = evictionFor(existing, run.bytes, limit);
      const dropped = existing.filter((r) => ids.includes(r.id));
      try {
        for (const id of ids) store.delete(id);
        store.put(run);
        if (refuseAsFull) {
          tx.abort();
          reject(new DOMException('The storage quota has been exceeded (simulated).', 'QuotaExceededError'));
          return;
        }
        resolve(dropped);
      } catch (e) {
        // put refused synchronously (e.g. DataCloneError): undo the deletes too
        tx.abort();
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    req.onerror = () => reject(req.error ?? new Error('indexedDB read failed'));
  });
  // Both settle: a commit refused after the put (quota is checked then) rejects here too.
  const [drop] = await Promise.all([decided, committed]);
  return drop;
}

/**
 * Rewrites one stored run in one transaction (durability "strict"): `change` gets the run as it is
 * now and returns its new version. Resolves with what was written, or null when the run is gone.
 */
export async function updateRun(
  id: string,
  change: (run: StoredRun) => StoredRun,
): Promise<StoredRun | null> {
  const db = await open();
  const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
  const store = tx.objectStore(STORE);
  let written: StoredRun | null = null;
  const req = store.get(id);
  req.onsuccess = () => {
    const run = req.result as StoredRun | undefined;
    if (!run) return;
    written = change(run);
    store.put(written);
  };
  await done(tx);
  return written;
}

export async function deleteRun(id: string): Promise<void> {
  const db = await open();
  const tx = db.transaction(STORE, 'readwrite');
  tx.objectStore(STORE).delete(id);
  await done(tx);
}

export async function clearRuns(): Promise<void> {
  const db = await open();
  const tx = db.transaction(STORE, 'readwrite');
  tx.objectStore(STORE).clear();
  await done(tx);
}
