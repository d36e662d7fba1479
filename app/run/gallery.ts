import { create } from 'zustand';
import {
  addRun,
  clearRuns,
  deleteRun,
  evictionFor,
  listRuns,
  runBytes,
  type StoredImage,
  type StoredRun,
} from './gallery-db.ts';
import { galleryLimitBytes, saveGalleryLimitMb } from './gallery-limit.ts';

/** A stored run as the gallery shows it: its images as object URLs made from the stored blobs. */
export interface GalleryRun extends Omit<StoredRun, 'images'> {
  images: (StoredImage & { src: string })[];
}

export interface GalleryState {
  loaded: boolean;
  runs: GalleryRun[];
  open: boolean;
  /** Lightbox: [runId, image index]; compare: a second image shown side by side. */
  lightbox: { runId: string; index: number } | null;
  compare: { runId: string; index: number } | null;
}

export const useGallery = create<GalleryState>()(() => ({
  loaded: false,
  runs: [],
  open: false,
  lightbox: null,
  compare: null,
}));

function toGallery(r: StoredRun): GalleryRun {
  return { ...r, images: r.images.map((i) => ({ ...i, src: URL.createObjectURL(i.blob) })) };
}

function release(r: GalleryRun): void {
  for (const i of r.images) URL.revokeObjectURL(i.src);
}

export async function loadGallery(): Promise<void> {
  try {
    const runs = await listRuns();
    useGallery.setState({ loaded: true, runs: runs.map(toGallery) });
  } catch {
    useGallery.setState({ loaded: true, runs: [] });
  }
}

/** Fetches the result images and stores the run; returns the stored run (null when nothing came back). */
export async function storeResults(
  meta: Omit<StoredRun, 'images' | 'bytes' | 'id'>,
  urls: string[],
): Promise<GalleryRun | null> {
  const images: StoredImage[] = [];
  for (const url of urls) {
    try {
      const res = await fetch(url);
      if (!res.ok) continue;
      const blob = await res.blob();
      const bmp = await createImageBitmap(blob);
      images.push({ blob, width: bmp.width, height: bmp.height, url });
      bmp.close();
    } catch {
      // an image the server lists but cannot serve: the others are still kept
    }
  }
  if (images.length === 0) return null;
  const base = { ...meta, id: `run-${meta.at}-${Math.random().toString(36).slice(2, 7)}`, images };
  const run: StoredRun = { ...base, bytes: runBytes(base) };
  let dropped: string[] = [];
  try {
    dropped = await addRun(run, galleryLimitBytes());
  } catch {
    // storage full or unavailable: still show the results for this session
  }
  const shown = toGallery(run);
  useGallery.setState((s) => {
    for (const r of s.runs) if (dropped.includes(r.id)) release(r);
    return { runs: [...s.runs.filter((r) => !dropped.includes(r.id)), shown] };
  });
  return shown;
}

/**
 * Sets the gallery's storage limit and applies it at once: the oldest runs beyond it are deleted.
 * Returns how many runs were deleted.
 */
export async function setGalleryLimit(mb: number): Promise<number> {
  saveGalleryLimitMb(mb);
  // As when a run is added: the newest run stays whatever its size; older ones go, oldest first.
  const runs = [...useGallery.getState().runs].sort((a, b) => a.at - b.at);
  const newest = runs.pop();
  const drop = newest ? evictionFor(runs, newest.bytes, galleryLimitBytes()) : [];
  for (const id of drop) await removeRun(id);
  return drop.length;
}

export async function removeRun(id: string): Promise<void> {
  await deleteRun(id).catch(() => undefined);
  useGallery.setState((s) => {
    const gone = s.runs.find((r) => r.id === id);
    if (gone) release(gone);
    return {
      runs: s.runs.filter((r) => r.id !== id),
      lightbox: s.lightbox?.runId === id ? null : s.lightbox,
      compare: s.compare?.runId === id ? null : s.compare,
    };
  });
}

export async function removeAllRuns(): Promise<void> {
  await clearRuns().catch(() => undefined);
  useGallery.setState((s) => {
    s.runs.forEach(release);
    return { runs: [], lightbox: null, compare: null };
  });
}

export function openGallery(open = true): void {
  useGallery.setState({ open, ...(open ? {} : { lightbox: null, compare: null }) });
}

export function findImage(ref: { runId: string; index: number } | null) {
  if (!ref) return null;
  const run = useGallery.getState().runs.find((r) => r.id === ref.runId);
  const image = run?.images[ref.index];
  return run && image ? { run, image } : null;
}
