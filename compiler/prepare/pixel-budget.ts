/**
 * The largest image Fooocus Flow decodes, checked on the size an image's header states, before a
 * single pixel is decoded: a 1 MB PNG of one colour can claim 16000×16000 pixels (a decompression
 * bomb) and decode into a gigabyte.
 *
 * Why 8192×8192 (67,108,864 pixels, 64 Mpx): Fooocus works at about one megapixel (the 1024 band;
 * Vary resizes into 1024–2048 "shape ceil", Upscale returns plain super-resolution above 2800), and
 * FooocusAPI decodes uploads with Pillow, whose decompression-bomb guard warns above 89,478,485
 * pixels and refuses above twice that. 64 Mpx is above every camera in common use (61 Mpx) and
 * below Pillow's warning, and one decoded RGBA copy of it is 256 MB — bounded, where the bomb was
 * unbounded. Pure: used by the CLI, the editor's worker and the simulated engine alike.
 */
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';
import { decodeBase64 } from '../assets/base64.ts';
import { readImageHeader, type ImageHeader } from './image-header.ts';
import type { ImageAdapter } from './raster.ts';

export const MAX_IMAGE_SIDE = 8192;
export const MAX_IMAGE_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE;

/** How many base64 characters of a data URL are decoded to find its header (192 KB of bytes). */
const HEADER_CHARS = 256 * 1024;

/** Thrown instead of decoding an image whose header states more pixels than the budget. */
export class ImageTooLargeError extends Error {
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    super(overBudgetText(width, height).en);
    this.name = 'ImageTooLargeError';
  }
}

export function isOverBudget(size: { width: number; height: number }): boolean {
  return size.width * size.height > MAX_IMAGE_PIXELS;
}

const mpx = (pixels: number) => `${(pixels / 1e6).toFixed(pixels < 1e7 ? 1 : 0)} Mpx`;

/** What the user reads when an image is over the budget: its size, the budget, what to do. */
export function overBudgetText(width: number, height: number): LocalText {
  const size = `${width}×${height} (${mpx(width * height)})`;
  const budget = `${mpx(MAX_IMAGE_PIXELS)}, e.g. ${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE}`;
  return t(
    `This image says it is ${size}, more than the ${budget} Fooocus Flow decodes (Fooocus works at about 1 Mpx; such a file is often a decompression bomb). It was not decoded. Scale it down, e.g. to 4096 px on the long side, and pick it again.`,
    `此图像声明尺寸为 ${size}，超过 Fooocus Flow 可解码的上限 ${budget}（Fooocus 实际以约 1 Mpx 工作；这种文件常是“解压炸弹”）。未对其解码。请缩小图像（例如长边 4096 像素）后重新选择。`,
  );
}

/** Throws ImageTooLargeError when the bytes' header states more pixels than the budget. */
export function assertWithinBudget(header: ImageHeader | null): void {
  if (header && isOverBudget(header)) throw new ImageTooLargeError(header.width, header.height);
}

/** The header of a base64 data URL's image, decoding only its first 192 KB; null for anything else. */
export function dataUrlHeader(src: string): ImageHeader | null {
  const m = /^data:[^,]{0,200};base64,/i.exec(src.slice(0, 256));
  if (!m) return null;
  const payload = src.slice(m[0].length, m[0].length + HEADER_CHARS).replace(/[^A-Za-z0-9+/]/g, '');
  const bytes = decodeBase64(payload.slice(0, payload.length - (payload.length % 4)));
  return bytes ? readImageHeader(bytes) : null;
}

/**
 * An adapter that checks the budget on the header before its decoder sees the bytes; decoders with
 * a limit of their own (sharp's `limitInputPixels`) are the second line, for headers not read here.
 */
export function withPixelBudget(adapter: ImageAdapter): ImageAdapter {
  return {
    ...adapter,
    decode(src) {
      try {
        assertWithinBudget(dataUrlHeader(src));
      } catch (err) {
        return Promise.reject(err as Error);
      }
      return adapter.decode(src);
    },
    decodeBytes(bytes) {
      try {
        assertWithinBudget(readImageHeader(bytes));
      } catch (err) {
        return Promise.reject(err as Error);
      }
      return adapter.decodeBytes(bytes);
    },
  };
}
