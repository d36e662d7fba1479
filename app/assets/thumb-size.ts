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
