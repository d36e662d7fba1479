/** The image type an upload's bytes say they are (its file name or MIME type may lie), or null. */
export function sniffImageType(b: Uint8Array): string | null {
  const at = (sig: readonly number[], from = 0) => sig.every((v, i) => b[from + i] === v);
  if (at([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (at([0x52, 0x49, 0x46, 0x46]) && at([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (at([0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (at([0x42, 0x4d])) return 'image/bmp';
  return null;
}

/** Lower-case hex of a digest. */
export function toHex(buf: ArrayBuffer): string {
  let s = '';
  for (const v of new Uint8Array(buf)) s += v.toString(16).padStart(2, '0');
  return s;
}

/** Longest side of a stored thumbnail, in pixels: sharp on a node at 2× device pixels. */
export const THUMB_SIZE = 320;

/** The thumbnail's size for an image: the longest side at most `max`, never upscaled. */
export function thumbSize(width: number, height: number, max = THUMB_SIZE) {
  const k = Math.min(1, max / Math.max(width, height, 1));
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}
