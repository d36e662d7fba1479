import {
  addRunEvicting,
  clearRuns,
  deleteRun,
  evictionFor,
  listRuns,
  runAssetHashes,
  runBytes,
  type StoredImage,
  type StoredRun,
} from './gallery-db.ts';
import { analyseImageBlob, getAssetRecord, writeAssetRecord } from '../assets/asset-db.ts';
import { releaseResultAssets } from '../assets/result-assets.ts';
import { migrateBlobRuns } from './gallery-migrate.ts';
import { galleryLimitBytes, saveGalleryLimitMb } from './gallery-limit.ts';
import { reportStorageFailure, reportStorageSuccess } from '../persistence/storage-problems.ts';
import { deleteRunRecord } from './run-journal-idb.ts';
import { forgetKeptPipeline } from './pipeline-journal-idb.ts';
import type { RefusedImage } from './result-image.ts';
import { useGallery, type GalleryImage, type GalleryRun } from './gallery-state.ts';
import { rememberDeleted, wasDeleted } from './gallery-dismissed.ts';

export { openGallery, useGallery, type GalleryImage, type GalleryRun } from './gallery-state.ts';

/** A stored run as shown; an image whose asset is gone (storage cleared) is left out, the rest shows. */
async function toGallery(r: StoredRun, kept: boolean): Promise<GalleryRun> {
  const images: GalleryImage[] = [];
  for (const i of r.images) {
    const blob =
      i.blob ?? (i.asset ? (await getAssetRecord(i.asset.hash).catch(() => null))?.blob : undefined);
    if (blob) images.push({ ...i, blob, src: URL.createObjectURL(blob) });
  }
  return { ...r, kept, images };
}

/** The record of a run: images that are assets by reference only, older ones with their blobs. */
function toStored(r: Omit<GalleryRun, 'bytes'> & { bytes?: number }): StoredRun {
  const { kept: _kept, images, bytes: _bytes, ...rest } = r;
  const base = {
    ...rest,
    images: images.map(({ src: _src, thumb: _thumb, blob, ...i }) => (i.asset ? i : { ...i, blob })),
  };
  return { ...base, bytes: runBytes(base) };
}

function release(r: Pick<GalleryRun, 'images'>): void {
  for (const i of r.images) URL.revokeObjectURL(i.src);
}

/** Other tabs add and delete runs too: each change is announced, and every tab re-reads the store. */
let channel: BroadcastChannel | null = null;
function announce(): void {
  channel?.postMessage({ type: 'gallery-changed' });
}

/**
 * Shows what the store holds now: runs already shown keep their object URLs, runs gone from the
 * store (deleted or evicted, here or in another tab) are released, and runs this tab could not
 * keep stay until the page closes or the user deletes them.
 */
async function refreshGallery(): Promise<void> {
  const stored = await listRuns();
  const before = new Set(useGallery.getState().runs.map((r) => r.id));
  const fresh = new Map<string, GalleryRun>();
  for (const r of stored) if (!before.has(r.id)) fresh.set(r.id, await toGallery(r, true));
  useGallery.setState((s) => {
    const shown = new Map(s.runs.map((r) => [r.id, r]));
    const inStore = new Set(stored.map((r) => r.id));
    for (const r of s.runs) if (r.kept && !inStore.has(r.id)) release(r);
    // Shown meanwhile (another refresh got there first): the copy made here is not needed.
    for (const [id, r] of fresh) if (shown.has(id)) release(r);
    const runs = [
      ...stored.flatMap((r) => {
        const have = shown.get(r.id) ?? fresh.get(r.id);
        return have ? [{ ...have, kept: true }] : [];
      }),
      ...s.runs.filter((r) => !r.kept && !inStore.has(r.id)),
    ].sort((x, y) => x.at - y.at);
    const present = <R extends { runId: string }>(ref: R | null) =>
      ref && runs.some((r) => r.id === ref.runId) ? ref : null;
    return { loaded: true, runs, lightbox: present(s.lightbox), compare: present(s.compare) };
  });
}

export async function loadGallery(): Promise<void> {
  if (!channel && typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel('fooocus-flow-gallery');
    channel.onmessage = () => void refreshGallery().catch(() => undefined);
  }
  try {
    await refreshGallery();
  } catch {
    useGallery.setState({ loaded: true });
  }
  migrateOnce ??= migrateBlobRuns(showMigrated).catch(() => 0);
}

/** Runs from before results were assets are migrated once per page (gallery-migrate.ts). */
let migrateOnce: Promise<number> | null = null;

/** A migrated run's images, already shown with their blobs, now know their assets too. */
function showMigrated(run: StoredRun): void {
  useGallery.setState((s) => ({
    runs: s.runs.map((r) =>
      r.id !== run.id
        ? r
        : {
            ...r,
            images: r.images.map((i) => {
              const asset = i.asset ?? run.images.find((x) => x.url === i.url && x.asset)?.asset;
              return asset ? { ...i, asset } : i;
            }),
          },
    ),
  }));
}

/**
 * Result assets no stored run refers to any more go with the runs that showed them (unless the
 * editor uses them): the gallery's limit bounds what results take, assets included.
 */
async function releaseAssetsOf(hashes: readonly string[]): Promise<void> {
  if (hashes.length === 0) return;
  const left = new Set((await listRuns()).flatMap(runAssetHashes));
  await releaseResultAssets(hashes, left);
}

/**
 * Stores a run: its images into the asset store (once per hash), then the run record in one
 * transaction with the eviction its size needs. Resolves true once that has committed; on a
 * refusal the storage banner says what failed and what to do, and the assets written for it are
 * not left behind (the run stays in memory, with its bytes).
 */
async function keep(run: StoredRun, images: readonly GalleryImage[]): Promise<boolean> {
  try {
    await Promise.all(
      images.flatMap((i) =>
        i.asset
          ? [writeAssetRecord({ meta: i.asset, blob: i.blob, thumb: i.thumb ?? null, origin: 'result' })]
          : [],
      ),
    );
    const dropped = await addRunEvicting(run, galleryLimitBytes());
    await releaseAssetsOf(dropped.flatMap(runAssetHashes)).catch(() => undefined);
  } catch (err) {
    reportStorageFailure('gallery', err);
    await releaseAssetsOf(runAssetHashes(run)).catch(() => undefined);
    return false;
  }
  announce();
  return true;
}

/** The gallery's storage problem is resolved only when no run waits in memory any more. */
function settleGalleryProblem(): void {
  if (!useGallery.getState().runs.some((r) => !r.kept)) reportStorageSuccess('gallery');
}

/** Fetches result images and makes each an asset (hashed, measured, thumbnailed in the asset worker). */
async function fetchAsImages(
  wanted: readonly Pick<StoredImage, 'url' | 'step' | 'requestStep' | 'label'>[],
  onRefused: RefusedImage,
): Promise<GalleryImage[]> {
  const images: GalleryImage[] = [];
  if (!wanted.length) return images;
  // Not in the first load (with it the API's error texts and image-size guards): fetched with the first result.
  const { fetchResultImage } = await import('./result-image.ts');
  for (const { url, step, requestStep, label } of wanted) {
    try {
      const blob = await fetchResultImage(url, onRefused);
      if (!blob) continue;
      const rec = await analyseImageBlob(blob);
      images.push({
        asset: rec.meta,
        width: rec.meta.width,
        height: rec.meta.height,
        url,
        ...(step ? { step } : {}),
        ...(requestStep ? { requestStep } : {}),
        ...(label !== undefined ? { label } : {}),
        blob: rec.blob,
        thumb: rec.thumb,
        src: URL.createObjectURL(rec.blob),
      });
    } catch {
      // an image the server lists but cannot serve: the others are still kept
    }
  }
  return images;
}

/**
 * Stores a run and shows it, kept or not (replacing the entry with its id). `write`: the images
 * whose assets are not stored yet (an entry that grows does not rewrite the ones it had).
 */
async function show(
  run: StoredRun,
  images: GalleryImage[],
  write: readonly GalleryImage[] = images,
): Promise<GalleryRun> {
  const kept = await keep(run, write);
  const shown: GalleryRun = { ...run, kept, images };
  useGallery.setState((s) => ({ runs: [...s.runs.filter((r) => r.id !== run.id), shown] }));
  if (kept) {
    // Space was found: runs refused earlier may fit now too; and show what the eviction removed.
    await retryKeepRuns();
    await refreshGallery().catch(() => undefined);
  }
  return shown;
}

/**
 * Fetches the result images and stores the run; returns the run as shown (null when nothing came
 * back), with `kept` saying whether the store took it.
 */
export async function storeResults(
  meta: Omit<StoredRun, 'images' | 'bytes' | 'id'>,
  urls: string[],
  /** The gallery id; one per editor run, so a run filed twice (two tabs, a retry) is one entry. */
  id = `run-${meta.at}-${Math.random().toString(36).slice(2, 7)}`,
  /** Per URL, the step that made it (compiler/result-steps.ts), when known. */
  steps: readonly (StoredImage['step'] | undefined)[] = [],
  /** Per URL, the request (1-based) that made it, for a graph run as several requests. */
  requestSteps: readonly number[] = [],
  /** An image the server sent over the byte cap or pixel budget (app/run/result-image.ts). */
  onRefused: RefusedImage = () => undefined,
): Promise<GalleryRun | null> {
  const images = await fetchAsImages(
    urls.map((url, i) => ({ url, step: steps[i], requestStep: requestSteps[i] })),
    onRefused,
  );
  if (images.length === 0) return null;
  return show(toStored({ ...meta, id, images, kept: false }), images);
}

/** One chain per entry: results added to it are added one after another (two polls never race). */
const growing = new Map<string, Promise<unknown>>();

/**
 * Adds results to the entry `id` (made with `meta` when there is none yet), leaving out every URL
 * it already shows, here or in the store (a page reloaded before the gallery was opened): an
 * entry that grows as its work finishes (a batch) never shows a result twice. Its images are put in
 * the order of `wanted` (those it does not list first). Resolves with the
 * entry as shown, or null when nothing was added.
 */
export function appendResults(
  id: string,
  meta: Omit<StoredRun, 'images' | 'bytes' | 'id'>,
  wanted: readonly Pick<StoredImage, 'url' | 'label'>[],
  onRefused: RefusedImage = () => undefined,
): Promise<GalleryRun | null> {
  const next = (growing.get(id) ?? Promise.resolve())
    .catch(() => undefined)
    .then(async () => {
      // An entry the user deleted is not grown back (a batch reopened, or a poll under way).
      if (wasDeleted(id)) return null;
      const stored = async () => {
        const r = (await listRuns().catch(() => [])).find((x) => x.id === id);
        return r ? toGallery(r, true) : undefined;
      };
      const shownNow = useGallery.getState().runs.find((r) => r.id === id);
      const before = shownNow ?? (await stored());
      const have = new Set(before?.images.map((i) => i.url));
      const fresh = await fetchAsImages(
        wanted.filter((w) => !have.has(w.url) && (have.add(w.url), true)),
        onRefused,
      );
      if (fresh.length === 0 || wasDeleted(id)) {
        release({ images: fresh }); // deleted meanwhile: its fetched results are dropped
        if (before && !shownNow) release(before);
        return null;
      }
      // In the order of `wanted` (a batch's item order, whatever order its items finished in).
      const rank = new Map(wanted.map((w, i) => [w.url, i]));
      const images = [...(before?.images ?? []), ...fresh].sort(
        (a, b) => (rank.get(a.url) ?? -1) - (rank.get(b.url) ?? -1),
      );
      const base = before ? { ...before, stopped: meta.stopped } : { ...meta, id, kept: false };
      return show(toStored({ ...base, images }), images, before?.kept ? fresh : images);
    });
  growing.set(id, next);
  return next;
}

/** The banner's Try again: stores the runs this page holds only in memory, oldest first. */
export async function retryKeepRuns(): Promise<void> {
  for (const r of useGallery.getState().runs.filter((x) => !x.kept)) {
    if (!(await keep(toStored(r), r.images))) return;
    // Kept now: the run's journal row (one request, or a pipeline's) has done its job.
    if (r.runId) await deleteRunRecord(r.runId).catch(() => undefined);
    if (r.runId && r.steps) await forgetKeptPipeline(r.runId).catch(() => undefined);
    useGallery.setState((s) => ({ runs: s.runs.map((x) => (x.id === r.id ? { ...x, kept: true } : x)) }));
  }
  settleGalleryProblem();
  await refreshGallery().catch(() => undefined);
}

/**
 * Sets the gallery's storage limit and applies it at once: the oldest runs beyond it are deleted.
 * Returns how many runs were deleted.
 */
export async function setGalleryLimit(mb: number): Promise<number> {
  saveGalleryLimitMb(mb);
  // As when a run is added: the newest run stays whatever its size; older ones go, oldest first.
  const runs = useGallery
    .getState()
    .runs.filter((r) => r.kept)
    .sort((a, b) => a.at - b.at);
  const newest = runs.pop();
  const drop = newest ? evictionFor(runs, newest.bytes, galleryLimitBytes()) : [];
  for (const id of drop) await removeRun(id);
  return drop.length;
}

export async function removeRun(id: string): Promise<void> {
  const run = useGallery.getState().runs.find((r) => r.id === id);
  if (run?.batch) rememberDeleted([id]); // its batch would file it again when reopened
  await deleteRun(id).catch(() => undefined);
  announce();
  useGallery.setState((s) => {
    const gone = s.runs.find((r) => r.id === id);
    if (gone) release(gone);
    return {
      runs: s.runs.filter((r) => r.id !== id),
      lightbox: s.lightbox?.runId === id ? null : s.lightbox,
      compare: s.compare?.runId === id ? null : s.compare,
    };
  });
  settleGalleryProblem();
  // Shown gone at once; its result assets (unless used or shown by another run) go after.
  if (run) await releaseAssetsOf(runAssetHashes(run)).catch(() => undefined);
}

export async function removeAllRuns(): Promise<void> {
  const stored = await listRuns().catch(() => []);
  const shown = useGallery.getState().runs;
  rememberDeleted([...stored, ...shown].filter((r) => r.batch).map((r) => r.id));
  await clearRuns().catch(() => undefined);
  announce();
  useGallery.setState((s) => {
    s.runs.forEach(release);
    return { runs: [], lightbox: null, compare: null };
  });
  settleGalleryProblem();
  await releaseAssetsOf([...stored, ...shown].flatMap(runAssetHashes)).catch(() => undefined);
}

export function findImage(ref: { runId: string; index: number } | null) {
  if (!ref) return null;
  const run = useGallery.getState().runs.find((r) => r.id === ref.runId);
  const image = run?.images[ref.index];
  return run && image ? { run, image } : null;
}
