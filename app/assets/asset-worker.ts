/// <reference lib="webworker" />
/**
 * The image work that would freeze the editor on the main thread — reading a 7 MB file, hashing it,
 * decoding 12 megapixels, scaling a thumbnail, handing back raw pixels — runs here.
 */
import { readImageHeader, withStoredOrientation } from '../../compiler/prepare/image-header.ts';
import { assertWithinBudget, ImageTooLargeError } from '../../compiler/prepare/pixel-budget.ts';
import { thumbSize, toHex } from './thumb-size.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

const DECODABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/bmp']);

/**
 * Draws the image at thumbnail size. A JPEG goes through WebCodecs' ImageDecoder with a desired
 * size: the decoder then works at 1/2, 1/4 or 1/8 scale, several times faster than decoding all
 * 12 megapixels (what createImageBitmap does before it resizes).
 */
async function drawThumb(blob: Blob, type: string, width: number, height: number): Promise<OffscreenCanvas> {
  const t = thumbSize(width, height);
  const canvas = new OffscreenCanvas(t.width, t.height);
  const ctx = canvas.getContext('2d')!;
  if (type === 'image/jpeg' && typeof ImageDecoder !== 'undefined') {
    const decoder = new ImageDecoder({
      data: blob.stream(),
      type,
      desiredWidth: t.width,
      desiredHeight: t.height,
    });
    try {
      const { image } = await decoder.decode();
      ctx.drawImage(image, 0, 0, t.width, t.height);
      image.close();
      return canvas;
    } catch {
      // fall through to createImageBitmap
    } finally {
      decoder.close();
    }
  }
  const small = await createImageBitmap(blob, {
    imageOrientation: 'none',
    resizeWidth: t.width,
    resizeHeight: t.height,
    resizeQuality: 'medium',
  });
  ctx.drawImage(small, 0, 0);
  small.close();
  return canvas;
}

/** Where a photo's header (with its EXIF block, up to 64 KB) ends in practice. */
const HEAD_BYTES = 256 * 1024;

/**
 * The image as Fooocus will read it: a JPEG whose EXIF orientation is not "as stored" gets a copy
 * of its head with the tag set to 1, so the browser's decoders (which turn photos by the tag) draw
 * the stored pixels, the same width and height as the asset's size and what is sent.
 */
async function asStored(blob: Blob, head?: Uint8Array): Promise<Blob> {
  const h = head ?? new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer());
  const fixed = withStoredOrientation(h);
  return fixed
    ? new Blob([fixed as Uint8Array<ArrayBuffer>, blob.slice(h.length)], { type: blob.type })
    : blob;
}

async function analyse(blob: Blob) {
  // Type and pixel size from the header (the file name or MIME type may lie). EXIF rotation is
  // ignored, as Fooocus ignores it: the size is the image as stored. The head is read first, so
  // the thumbnail decode starts while the whole file is still being read and hashed.
  const headBytes = new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer());
  const head = readImageHeader(headBytes);
  const whole = blob.arrayBuffer();
  const digest = whole.then((buf) => crypto.subtle.digest('SHA-256', buf));
  const header = head && head.width > 0 ? head : readImageHeader(new Uint8Array(await whole));
  if (!header || !DECODABLE.has(header.type)) throw new Error('not a PNG, JPEG, WebP, GIF or BMP image');
  assertWithinBudget(header); // a decompression bomb is refused by its header, never decoded
  let { width, height } = header;
  if (!(width > 0 && height > 0)) {
    // A header this reader does not size: measure by decoding once (an error if it cannot be).
    const full = await createImageBitmap(await asStored(blob, headBytes), { imageOrientation: 'none' });
    ({ width, height } = full);
    full.close();
  }
  // An image this browser cannot decode (a damaged file) is still kept, without a thumbnail: the
  // pixel check then reports it on its node, and the server may still read it.
  const thumb = await drawThumb(await asStored(blob, headBytes), header.type, width, height)
    .then((canvas) => canvas.convertToBlob({ type: 'image/webp', quality: 0.85 }))
    .catch(() => null);
  const bytes = (await whole).byteLength;
  return { hash: toHex(await digest), type: header.type, width, height, bytes, thumb };
}

async function decode(blob: Blob) {
  assertWithinBudget(readImageHeader(new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer())));
  const bitmap = await createImageBitmap(await asStored(blob), {
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
    self.postMessage({
      id: req.id,
      ok: false,
      error: (err as Error).message || String(err),
      ...(err instanceof ImageTooLargeError ? { tooLarge: { width: err.width, height: err.height } } : {}),
    } satisfies WorkerReply);
  }
};
