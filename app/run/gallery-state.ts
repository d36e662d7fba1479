/**
 * The gallery's state, apart from its loading and storing (gallery.ts): the toolbar, the run panel
 * and the keyboard read it at first paint, while the IndexedDB code that fills it is fetched after
 * the first paint (issue 12: first-load size).
 */
import { create } from 'zustand';
import type { StoredImage, StoredRun } from './gallery-db.ts';

/**
 * An image as the gallery shows it: its bytes as a Blob (a stored asset's, read by the browser
 * only when drawn or downloaded; in memory for a run not kept) and an object URL of them.
 */
export interface GalleryImage extends StoredImage {
  blob: Blob;
  src: string;
  /** The thumbnail made when the result came in (this page only). */
  thumb?: Blob | null | undefined;
}

/**
 * A run as the gallery shows it. `kept` is true only once the run's IndexedDB transaction has
 * committed; a run the browser refused to store stays here, in memory, so its images can still be
 * downloaded (and used as inputs) until the page closes.
 */
export interface GalleryRun extends Omit<StoredRun, 'images'> {
  images: GalleryImage[];
  kept: boolean;
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

export function openGallery(open = true): void {
  useGallery.setState({ open, ...(open ? {} : { lightbox: null, compare: null }) });
}
