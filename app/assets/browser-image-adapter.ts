/** Image adapter for the browser, on createImageBitmap and a canvas. */
import type { ImageAdapter, RasterImage } from '../../compiler/prepare/raster.ts';

function canvas(width: number, height: number) {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas');
  return { c, ctx };
}

async function rasterOf(blob: Blob): Promise<RasterImage> {
  const bitmap = await createImageBitmap(blob);
  const { ctx } = canvas(bitmap.width, bitmap.height);
  ctx.drawImage(bitmap, 0, 0);
  const px = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  return { width: px.width, height: px.height, data: new Uint8Array(px.data.buffer) };
}

export const browserImageAdapter: ImageAdapter = {
  async decode(src) {
    const res = await fetch(src);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return rasterOf(await res.blob());
  },
  // Only masks and images Fooocus misreads are decoded here (sizes come from the file header), and
  // neither carries an EXIF rotation in practice; the canvas would apply one.
  async decodeBytes(bytes) {
    return rasterOf(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  },
  async encodePng(img: RasterImage) {
    const { c, ctx } = canvas(img.width, img.height);
    ctx.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
    return c.toDataURL('image/png');
  },
  async encodeJpeg(img: RasterImage) {
    const { c, ctx } = canvas(img.width, img.height);
    ctx.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
    return c.toDataURL('image/jpeg', 0.95);
  },
};
