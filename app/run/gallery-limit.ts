import { DEFAULT_GALLERY_BYTES } from './gallery-db.ts';

/**
 * How much of this browser's storage the results gallery may use, chosen in Settings and kept in
 * localStorage. Past it, the oldest runs go first (the newest always stays, however large).
 */
const KEY = 'fooocus-flow.galleryLimitMb';
export const GALLERY_LIMIT_MB = { min: 1, max: 10_000, default: DEFAULT_GALLERY_BYTES / (1024 * 1024) };

/** Whole megabytes within range, or null: what the Settings field accepts. */
export function parseGalleryLimitMb(text: string): number | null {
  const mb = Number(text.trim());
  return text.trim() !== '' &&
    Number.isInteger(mb) &&
    mb >= GALLERY_LIMIT_MB.min &&
    mb <= GALLERY_LIMIT_MB.max
    ? mb
    : null;
}

export function galleryLimitMb(): number {
  try {
    return parseGalleryLimitMb(localStorage.getItem(KEY) ?? '') ?? GALLERY_LIMIT_MB.default;
  } catch {
    return GALLERY_LIMIT_MB.default;
  }
}

export function saveGalleryLimitMb(mb: number): void {
  try {
    localStorage.setItem(KEY, String(mb));
  } catch {
    // private mode: the limit holds for this page only
  }
}

export const galleryLimitBytes = () => galleryLimitMb() * 1024 * 1024;
