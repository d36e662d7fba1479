/**
 * Which uploaded images Fooocus would misread. The worker turns an upload into pixels with
 * `numpy.array(PIL.Image.open(...), dtype=uint8)` and then expects 1, 3 or 4 channels of 8 bits:
 * a palette image gives palette indices as grey levels, a 1/2/4-bit image gives 0/1 values (black),
 * 16-bit channels are cut, grey+alpha has 2 channels (the worker fails), CMYK is read as four
 * colour channels. Those images are re-encoded as 8-bit PNG before sending (see `prepareImages`).
 *
 * Pure: reads only the first bytes of a data URL (the header, or a JPEG's frame marker).
 */
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';

export type ImageProblem = 'palette' | 'low-bit' | '16-bit' | 'grey-alpha' | 'cmyk' | 'format';

/** Enough of a JPEG to pass EXIF/ICC segments and reach its frame header, in nearly every file. */
const JPEG_SCAN_BYTES = 256 * 1024;

/** The first `max` bytes of a base64 data URL's payload; null for anything else (URLs, paths). */
export function dataUrlPrefix(src: string, max: number): Uint8Array | null {
  const m = /^data:[^,]*;base64,/i.exec(src);
  if (!m) return null;
  const chars = Math.ceil(max / 3) * 4;
  const b64 = src.slice(m[0].length, m[0].length + chars).replace(/[^A-Za-z0-9+/]/g, '');
  try {
    const bin = atob(b64.slice(0, b64.length - (b64.length % 4)));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((v, i) => b[at + i] === v);

/** What is wrong with an image's encoding for Fooocus, or null when it is read as it is. */
export function imageProblem(bytes: Uint8Array): ImageProblem | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) {
    // IHDR is the first chunk: bit depth at byte 24, colour type at 25.
    const depth = bytes[24];
    const type = bytes[25];
    if (depth === undefined || type === undefined) return null;
    if (type === 3) return 'palette';
    if (type === 4) return 'grey-alpha';
    if (depth === 16) return '16-bit';
    if (depth < 8) return 'low-bit';
    return null;
  }
  if (startsWith(bytes, [0xff, 0xd8])) return jpegComponents(bytes) === 4 ? 'cmyk' : null;
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8))
    return null;
  // GIF (always a palette), BMP, TIFF, AVIF/HEIF: PIL reads them as palette images or not at all.
  const otherFormat =
    startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) ||
    startsWith(bytes, [0x42, 0x4d]) ||
    startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(bytes, [0x66, 0x74, 0x79, 0x70], 4);
  return otherFormat ? 'format' : null;
}

/**
 * Number of colour components in a JPEG's frame header (SOFn); 'none' when the file has none before
 * its image data, 'more' when the bytes end before it.
 */
function jpegComponents(b: Uint8Array): number | 'none' | 'more' {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return 'none';
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return b[i + 9] ?? 'more';
    if (marker === 0xda) return 'none'; // start of scan: no frame header before it
    i += 2 + len;
  }
  return 'more';
}

/** The problem with an image given as a data URL (null for URLs: the server reads those itself). */
export function dataUrlImageProblem(src: string): ImageProblem | null {
  const head = dataUrlPrefix(src, 32);
  if (!head) return null;
  if (head[0] !== 0xff) return imageProblem(head);
  // A JPEG's frame header follows its metadata (EXIF, ICC): read a little, then more only if needed,
  // since the live compile runs this on every edit.
  for (const size of [4096, 65536, JPEG_SCAN_BYTES]) {
    const bytes = dataUrlPrefix(src, size);
    if (!bytes) return null;
    const found = jpegComponents(bytes);
    if (found !== 'more' || bytes.length < size) return found === 4 ? 'cmyk' : null;
  }
  return null;
}

/** The problem in words, and that Fooocus Flow re-encodes the image before sending. */
export function imageProblemText(p: ImageProblem): LocalText {
  const why: Record<ImageProblem, LocalText> = {
    palette: t(
      'This PNG stores its colours as a palette; Fooocus would read the palette numbers as grey levels.',
      '此 PNG 使用调色板存储颜色；Fooocus 会把调色板序号当作灰度读取。',
    ),
    'low-bit': t(
      'This PNG has fewer than 8 bits per pixel; Fooocus would read it as almost black.',
      '此 PNG 每像素少于 8 位；Fooocus 会把它读成几乎全黑。',
    ),
    '16-bit': t(
      'This PNG has 16-bit channels, which Fooocus does not read correctly.',
      '此 PNG 为 16 位通道，Fooocus 无法正确读取。',
    ),
    'grey-alpha': t(
      'This PNG is greyscale with transparency (2 channels); the Fooocus worker fails on it.',
      '此 PNG 为带透明度的灰度图（2 个通道）；Fooocus 工作进程会因此出错。',
    ),
    cmyk: t(
      'This JPEG is CMYK; Fooocus would read its four ink channels as colours.',
      '此 JPEG 为 CMYK 模式；Fooocus 会把四个油墨通道当作颜色读取。',
    ),
    format: t(
      'This image is a GIF, BMP, TIFF or AVIF/HEIF; Fooocus may read it as a palette or fail.',
      '此图像为 GIF、BMP、TIFF 或 AVIF/HEIF 格式；Fooocus 可能按调色板读取或出错。',
    ),
  };
  return t(
    `${why[p].en} Fooocus Flow converts it to an 8-bit PNG when it prepares the images for a run.`,
    `${why[p].zh} Fooocus Flow 在为运行准备图像时会将其转换为 8 位 PNG。`,
  );
}
