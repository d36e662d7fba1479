/**
 * Walks a JPEG's segment headers (marker, length) without decoding the image: the frame header
 * (size, colour components) and the EXIF block (orientation) are both found this way. Pure.
 */

/** Reads byte k of an image, or undefined past its end (or where its encoding is broken). */
export type ByteAt = (k: number) => number | undefined;

export interface JpegSegment {
  marker: number;
  /** Offset of the marker's 0xFF byte; the segment's data starts at `start + 4`. */
  start: number;
  /** Length of the data after the marker, including the two length bytes. */
  length: number;
}

const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/**
 * Calls `visit` for each segment up to the frame header (SOFn) included, or the start of scan;
 * `visit` returns true to stop early. Returns the frame header segment, or null when there is none.
 */
export function walkJpegSegments(at: ByteAt, visit?: (s: JpegSegment) => boolean | void): JpegSegment | null {
  if (at(0) !== 0xff || at(1) !== 0xd8) return null;
  let i = 2;
  for (let guard = 0; guard < 10000; guard++) {
    // Stray bytes between segments happen in the wild: look ahead (a little) for the next marker.
    for (let skipped = 0; at(i) !== 0xff; i++, skipped++)
      if (at(i) === undefined || skipped > 1024) return null;
    const marker = at(i + 1);
    if (marker === undefined) return null;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // TEM and RSTn stand alone: no length follows
      continue;
    }
    const hi = at(i + 2);
    const lo = at(i + 3);
    if (hi === undefined || lo === undefined) return null;
    const seg = { marker, start: i, length: (hi << 8) | lo };
    if (visit?.(seg)) return null;
    if (isSof(marker)) return seg;
    if (marker === 0xda) return null; // start of scan: no frame header before it
    i += 2 + seg.length;
  }
  return null;
}
