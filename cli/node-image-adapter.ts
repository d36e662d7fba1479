/** Image adapter for Node (CLI, server, tests), on sharp. */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { ImageAdapter, RasterImage } from '../compiler/prepare/raster.ts';

async function bytesOf(src: string): Promise<Buffer> {
  if (src.startsWith('data:')) {
    const comma = src.indexOf(',');
    if (comma < 0) throw new Error('malformed data URL');
    return Buffer.from(src.slice(comma + 1), 'base64');
  }
  if (/^https?:\/\//.test(src)) {
    const res = await fetch(src, { signal: AbortSignal.timeout(20000) });
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${src}`);
    return Buffer.from(await res.arrayBuffer());
  }
  return readFile(src);
}

/** RGBA pixels as stored: sharp applies no EXIF rotation unless asked (`.rotate()`), like FooocusAPI. */
async function rasterOf(input: Uint8Array): Promise<RasterImage> {
  const { data, info } = await sharp(input).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

export const nodeImageAdapter: ImageAdapter = {
  async decode(src) {
    return rasterOf(await bytesOf(src));
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

/** Reads an image file into a data URL (for `--input NAME=file.png`). */
export async function fileToDataUrl(path: string): Promise<string> {
  const bytes = await readFile(path);
  const meta = await sharp(bytes).metadata();
  const type = meta.format === 'jpeg' ? 'jpeg' : meta.format === 'webp' ? 'webp' : 'png';
  if (type === 'png' && meta.format !== 'png') {
    return `data:image/png;base64,${(await sharp(bytes).png().toBuffer()).toString('base64')}`;
  }
  return `data:image/${type};base64,${bytes.toString('base64')}`;
}
