/** Image adapter for Node (CLI, server, tests), on sharp. */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { readImageHeader } from '../compiler/prepare/image-header.ts';
import { assertWithinBudget, MAX_IMAGE_PIXELS } from '../compiler/prepare/pixel-budget.ts';
import { RemoteImageNotFetchedError } from '../compiler/prepare/remote-image.ts';
import type { FetchImageBytes, ImageAdapter, RasterImage } from '../compiler/prepare/raster.ts';

/** sharp refuses, before decoding, any image over the pixel budget (headers we do not read, e.g. TIFF). */
const LIMITS = { limitInputPixels: MAX_IMAGE_PIXELS } as const;

async function bytesOf(src: string, fetchBytes: FetchImageBytes | undefined): Promise<Uint8Array> {
  if (src.startsWith('data:')) {
    const comma = src.indexOf(',');
    if (comma < 0) throw new Error('malformed data URL');
    return Buffer.from(src.slice(comma + 1), 'base64');
  }
  if (/^https?:\/\//i.test(src)) {
    if (!fetchBytes) throw new RemoteImageNotFetchedError(src);
    return fetchBytes(src);
  }
  return readFile(src);
}

/** RGBA pixels as stored: sharp applies no EXIF rotation unless asked (`.rotate()`), like FooocusAPI. */
async function rasterOf(input: Uint8Array): Promise<RasterImage> {
  assertWithinBudget(readImageHeader(input)); // fetched and file bytes too, not only data URLs
  const { data, info } = await sharp(input, LIMITS).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/**
 * `fetchBytes` set: http(s) images are downloaded with it (bounded by the caller). Unset (the
 * default): they are never fetched, so `validate` of a shared file makes no network request.
 */
export function createNodeImageAdapter(options: { fetchBytes?: FetchImageBytes } = {}): ImageAdapter {
  return { ...nodeImageAdapter, decode: async (src) => rasterOf(await bytesOf(src, options.fetchBytes)) };
}

export const nodeImageAdapter: ImageAdapter = {
  async decode(src) {
    return rasterOf(await bytesOf(src, undefined));
  },
  decodeBytes: rasterOf,
  async encodePng(img: RasterImage) {
    const png = await sharp(Buffer.from(img.data), {
      raw: { width: img.width, height: img.height, channels: 4 },
    })
      .png()
      .toBuffer();
    return `data:image/png;base64,${png.toString('base64')}`;
  },
  async encodeJpeg(img: RasterImage) {
    const jpeg = await sharp(Buffer.from(img.data), {
      raw: { width: img.width, height: img.height, channels: 4 },
    })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 95 })
      .toBuffer();
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  },
};
