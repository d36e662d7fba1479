/// <reference lib="webworker" />
/**
 * The image work that would freeze the editor on the main thread — reading a 7 MB file, hashing it,
 * decoding 12 megapixels, scaling a thumbnail, handing back raw pixels — runs here.
 */
import { sniffImageType, thumbSize, toHex } from './sniff.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

async function analyse(blob: Blob) {
  const buf = await blob.arrayBuffer();
  const type = sniffImageType(new Uint8Array(buf, 0, Math.min(16, buf.byteLength)));
  if (!type) throw new Error('not a PNG, JPEG, WebP, GIF or BMP image');
  // Pixel size as Fooocus reads it: EXIF rotation is ignored there, so it is ignored here too.
  const [digest, bitmap] = await Promise.all([
    crypto.subtle.digest('SHA-256', buf),
    createImageBitmap(blob, { imageOrientation: 'none' }),
  ]);
  const { width, height } = bitmap;
  const t = thumbSize(width, height);
  const small = await createImageBitmap(bitmap, {
    resizeWidth: t.width,
    resizeHeight: t.height,
    resizeQuality: 'medium',
  });
  bitmap.close();
  const canvas = new OffscreenCanvas(t.width, t.height);
  canvas.getContext('2d')!.drawImage(small, 0, 0);
  small.close();
  const thumb = await canvas.convertToBlob({ type: 'image/webp', quality: 0.85 });
  return { hash: toHex(digest), type, width, height, bytes: buf.byteLength, thumb };
}

async function decode(blob: Blob) {
  const bitmap = await createImageBitmap(blob, {
    imageOrientation: 'none',
    premultiplyAlpha: 'none',
    colorSpaceConversion: 'none',
  });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const px = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { width: px.width, height: px.height, data: px.data.buffer };
}

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  try {
    if (req.op === 'analyse') {
      const result = await analyse(req.blob);
      self.postMessage({ id: req.id, ok: true, op: 'analyse', result } satisfies WorkerReply);
    } else {
      const result = await decode(req.blob);
      self.postMessage({ id: req.id, ok: true, op: 'decode', result } satisfies WorkerReply, [result.data]);
    }
  } catch (err) {
    self.postMessage({ id: req.id, ok: false, error: (err as Error).message || String(err) } satisfies WorkerReply);
  }
};
