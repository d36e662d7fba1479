/**
 * What an image file says about itself in its first bytes: type, pixel size and (JPEG) EXIF
 * orientation. Pure, so the browser and the CLI read photos the same way, without decoding pixels.
 *
 * FooocusAPI decodes uploads with `PIL.Image.open` + `numpy.array` and never applies the EXIF
 * orientation (`apis/utils/img_utils.py` `read_input_image` has no `ImageOps.exif_transpose`), so
 * the size here is the size as stored, which is what Fooocus works on.
 */
import { walkJpegSegments, type ByteAt } from './jpeg-segments.ts';

export interface ImageHeader {
  type: string;
  /** 0 when the header does not say (a format whose size is not read here, or a cut file). */
  width: number;
  height: number;
  /** EXIF orientation 1–8 (1 = as stored); 1 when there is none. */
  orientation: number;
}

const be16 = (at: ByteAt, k: number) => ((at(k) ?? 0) << 8) | (at(k + 1) ?? 0);
const le16 = (at: ByteAt, k: number) => (at(k) ?? 0) | ((at(k + 1) ?? 0) << 8);
const be32 = (at: ByteAt, k: number) => be16(at, k) * 0x10000 + be16(at, k + 2);
const le32 = (at: ByteAt, k: number) => le16(at, k) + le16(at, k + 2) * 0x10000;
const ascii = (at: ByteAt, k: number, s: string) => [...s].every((c, i) => at(k + i) === c.charCodeAt(0));

/** The header of an image file, or null when the bytes are not a PNG, JPEG, WebP, GIF, BMP or TIFF. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const at: ByteAt = (k) => bytes[k];
  if (at(0) === 0x89 && ascii(at, 1, 'PNG')) {
    return { type: 'image/png', width: be32(at, 16), height: be32(at, 20), orientation: 1 };
  }
  if (at(0) === 0xff && at(1) === 0xd8) {
    let orientation = 1;
    const sof = walkJpegSegments(at, (s) => {
      if (s.marker === 0xe1)
        orientation = exifOrientationTag(at, s.start + 4, s.start + 2 + s.length)?.value ?? orientation;
    });
    return {
      type: 'image/jpeg',
      width: sof ? be16(at, sof.start + 7) : 0,
      height: sof ? be16(at, sof.start + 5) : 0,
      orientation,
    };
  }
  if (ascii(at, 0, 'RIFF') && ascii(at, 8, 'WEBP'))
    return { type: 'image/webp', ...webpSize(at), orientation: 1 };
  if (ascii(at, 0, 'GIF8'))
    return { type: 'image/gif', width: le16(at, 6), height: le16(at, 8), orientation: 1 };
  if (ascii(at, 0, 'BM'))
    return { type: 'image/bmp', width: le32(at, 18), height: Math.abs(le32(at, 22) | 0), orientation: 1 };
  if (ascii(at, 0, 'II*\0') || ascii(at, 0, 'MM\0*'))
    return { type: 'image/tiff', width: 0, height: 0, orientation: 1 };
  return null;
}

function webpSize(at: ByteAt): { width: number; height: number } {
  if (ascii(at, 12, 'VP8 ')) return { width: le16(at, 26) & 0x3fff, height: le16(at, 28) & 0x3fff };
  if (ascii(at, 12, 'VP8L')) {
    const b = le32(at, 21);
    return { width: (b & 0x3fff) + 1, height: ((b >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(at, 12, 'VP8X')) {
    const w = (at(24) ?? 0) | ((at(25) ?? 0) << 8) | ((at(26) ?? 0) << 16);
    const h = (at(27) ?? 0) | ((at(28) ?? 0) << 8) | ((at(29) ?? 0) << 16);
    return { width: w + 1, height: h + 1 };
  }
  return { width: 0, height: 0 };
}

/**
 * The Orientation tag (0x0112) of IFD0 in an APP1 segment whose data is [from, end): "Exif\0\0"
 * then a TIFF header (byte order, 42, offset of IFD0). Null when the segment is not EXIF or the
 * tag is absent or out of range.
 */
function exifOrientationTag(
  at: ByteAt,
  from: number,
  end: number,
): { value: number; offset: number; little: boolean } | null {
  if (!ascii(at, from, 'Exif\0\0')) return null;
  const tiff = from + 6;
  const little = ascii(at, tiff, 'II');
  if (!little && !ascii(at, tiff, 'MM')) return null;
  const u16 = (k: number) => (little ? le16(at, k) : be16(at, k));
  const u32 = (k: number) => (little ? le32(at, k) : be32(at, k));
  if (u16(tiff + 2) !== 42) return null;
  const ifd = tiff + u32(tiff + 4);
  if (ifd + 2 > end) return null;
  const count = u16(ifd);
  for (let e = 0; e < count && ifd + 2 + (e + 1) * 12 <= end; e++) {
    const entry = ifd + 2 + e * 12;
    if (u16(entry) !== 0x0112) continue;
    const value = u16(entry + 8); // a SHORT sits in the first two bytes of the value field
    return value >= 1 && value <= 8 ? { value, offset: entry + 8, little } : null;
  }
  return null;
}

/**
 * A copy of a JPEG's first bytes with its EXIF orientation set to 1 ("as stored"), or null when
 * there is nothing to change. Browsers turn a photo by its EXIF tag whatever they are asked
 * (Chromium's `createImageBitmap` does with `imageOrientation: 'none'` too, and so does its
 * `ImageDecoder`); FooocusAPI does not: decoding these bytes shows the pixels as Fooocus reads them.
 */
export function withStoredOrientation(head: Uint8Array): Uint8Array | null {
  const at: ByteAt = (k) => head[k];
  if (at(0) !== 0xff || at(1) !== 0xd8) return null;
  let tag: { value: number; offset: number; little: boolean } | null = null;
  walkJpegSegments(at, (s) => {
    if (s.marker === 0xe1) tag = exifOrientationTag(at, s.start + 4, s.start + 2 + s.length) ?? tag;
  });
  const found = tag as { value: number; offset: number; little: boolean } | null;
  if (!found || found.value === 1 || found.offset + 2 > head.length) return null;
  const out = head.slice();
  out[found.offset] = found.little ? 1 : 0;
  out[found.offset + 1] = found.little ? 0 : 1;
  return out;
}

/** Orientations 5–8 turn the picture a quarter: a viewer shows it with width and height swapped. */
export function orientationSwapsSides(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}

/** How a viewer turns the stored pixels for an orientation, in words (English, Chinese). */
export function orientationWords(orientation: number): { en: string; zh: string } {
  const words: Record<number, { en: string; zh: string }> = {
    2: { en: 'mirrored left to right', zh: '左右镜像' },
    3: { en: 'turned 180°', zh: '旋转 180°' },
    4: { en: 'mirrored top to bottom', zh: '上下镜像' },
    5: { en: 'mirrored and turned 90°', zh: '镜像并旋转 90°' },
    6: { en: 'turned 90° clockwise', zh: '顺时针旋转 90°' },
    7: { en: 'mirrored and turned 90°', zh: '镜像并旋转 90°' },
    8: { en: 'turned 90° counter-clockwise', zh: '逆时针旋转 90°' },
  };
  return words[orientation] ?? { en: 'as stored', zh: '按原样' };
}
