/**
 * Which uploaded images Fooocus would misread. The worker turns an upload into pixels with
 * `numpy.array(PIL.Image.open(...), dtype=uint8)` and then expects 1, 3 or 4 channels of 8 bits:
 * a palette image gives palette indices as grey levels, a 1/2/4-bit image gives 0/1 values (black),
 * 16-bit channels are cut, grey+alpha has 2 channels (the worker fails), CMYK is read as four
 * colour channels. Those images are re-encoded before sending (see `prepareImages`).
 *
 * Pure: decodes only the bytes it looks at (the header, or a JPEG's segment headers up to its frame).
 */
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';
import { walkJpegSegments, type ByteAt } from './jpeg-segments.ts';

export type ImageProblem = 'palette' | 'low-bit' | '16-bit' | 'grey-alpha' | 'cmyk' | 'format';

const B64 = new Int16Array(128).fill(-1);
[...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].forEach((c, i) => {
  B64[c.charCodeAt(0)] = i;
});

/**
 * Random access into a base64 data URL's payload, decoding only the 4 characters that hold the byte
 * asked for: a JPEG's frame header can sit behind 100 KB of metadata, and the live compile runs this
 * on every edit. Null for anything but a base64 data URL (http URLs: the server reads those).
 */
function dataUrlBytes(src: string): ByteAt | null {
  const m = /^data:[^,]{0,200};base64,/i.exec(src.slice(0, 256));
  if (!m) return null;
  const start = m[0].length;
  const sextet = (i: number) => {
    const c = src.charCodeAt(start + i);
    return c < 128 ? B64[c]! : -1;
  };
  return (k) => {
    const q = Math.floor(k / 3) * 4;
    const r = k % 3;
    const a = sextet(q);
    const b = sextet(q + 1);
    if (a < 0 || b < 0) return undefined; // end of data, padding or a character outside base64
    if (r === 0) return (a << 2) | (b >> 4);
    const c = sextet(q + 2);
    if (c < 0) return undefined;
    if (r === 1) return ((b & 15) << 4) | (c >> 2);
    const d = sextet(q + 3);
    return d < 0 ? undefined : ((c & 3) << 6) | d;
  };
}

const startsWith = (at: ByteAt, sig: readonly number[], from = 0) => sig.every((v, i) => at(from + i) === v);

/** What is wrong with an image's encoding for Fooocus, or null when it is read as it is. */
export function imageProblem(bytes: Uint8Array): ImageProblem | null {
  return problemOf((k) => bytes[k]);
}

function problemOf(at: ByteAt): ImageProblem | null {
  if (startsWith(at, [0x89, 0x50, 0x4e, 0x47])) {
    // IHDR is the first chunk: bit depth at byte 24, colour type at 25.
    const depth = at(24);
    const type = at(25);
    if (depth === undefined || type === undefined) return null;
    if (type === 3) return 'palette';
    if (type === 4) return 'grey-alpha';
    if (depth === 16) return '16-bit';
    if (depth < 8) return 'low-bit';
    return null;
  }
  if (startsWith(at, [0xff, 0xd8])) return jpegComponents(at) === 4 ? 'cmyk' : null;
  if (startsWith(at, [0x52, 0x49, 0x46, 0x46]) && startsWith(at, [0x57, 0x45, 0x42, 0x50], 8)) return null;
  // GIF (always a palette), BMP, TIFF, AVIF/HEIF: PIL reads them as palette images or not at all.
  const otherFormat =
    startsWith(at, [0x47, 0x49, 0x46, 0x38]) ||
    startsWith(at, [0x42, 0x4d]) ||
    startsWith(at, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(at, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(at, [0x66, 0x74, 0x79, 0x70], 4);
  return otherFormat ? 'format' : null;
}

/** Number of colour components in a JPEG's frame header (SOFn); null when there is none. */
function jpegComponents(at: ByteAt): number | null {
  const sof = walkJpegSegments(at);
  return sof ? (at(sof.start + 9) ?? null) : null;
}

/** The problem with an image given as a data URL (null for URLs: the server reads those itself). */
export function dataUrlImageProblem(src: string): ImageProblem | null {
  const at = dataUrlBytes(src);
  return at ? problemOf(at) : null;
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
  // A CMYK photo becomes an RGB JPEG (see prepareImages), everything else an 8-bit PNG.
  const into = p === 'cmyk' ? t('an RGB JPEG', 'RGB JPEG') : t('an 8-bit PNG', '8 位 PNG');
  return t(
    `${why[p].en} Fooocus Flow converts it to ${into.en} when it prepares the images for a run.`,
    `${why[p].zh} Fooocus Flow 在为运行准备图像时会将其转换为 ${into.zh}。`,
  );
}
