/// <reference lib="webworker" />
/**
 * The image work that would freeze the editor on the main thread — reading a 7 MB file, hashing it,
 * decoding 12 megapixels, scaling a thumbnail, handing back raw pixels — runs here.
 */
import { readImageHeader, withStoredOrientation } from '../../compiler/prepare/image-header.ts';
import { assertWithinBudget, ImageTooLargeError } from '../../compiler/prepare/pixel-budget.ts';
import { admitImage, HEAD_BYTES, NotAnImageError } from './image-admission.ts';
import { thumbSize, toHex } from './thumb-size.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

/** When each step of an analysis ended (epoch ms: comparable with the page's clock), for the bench. */
type Marks = Record<string, number>;
const now = () => performance.timeOrigin + performance.now();

/**
 * Draws the image at thumbnail size. A JPEG goes through WebCodecs' ImageDecoder with a desired
 * size: the decoder then works at 1/2, 1/4 or 1/8 scale (4000×3000 decodes to 500×375), several
 * times faster than decoding all 12 megapixels, which is what createImageBitmap does even with
 * resizeWidth (measured in Chromium: a resized createImageBitmap takes as long as a full one). The
 * decoder is given the bytes already in memory: fed from `blob.stream()` it reads the file a
 * second time in small chunks and was 1.5× slower.
 */
async function drawThumb(
  bytes: Uint8Array,
  type: string,
  width: number,
  height: number,
): Promise<OffscreenCanvas> {
  const t = thumbSize(width, height);
  const canvas = new OffscreenCanvas(t.width, t.height);
  const ctx = canvas.getContext('2d')!;
  if (type === 'image/jpeg' && typeof ImageDecoder !== 'undefined') {
    const decoder = new ImageDecoder({ data: bytes, type, desiredWidth: t.width, desiredHeight: t.height });
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
  const small = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), {
    imageOrientation: 'none',
    resizeWidth: t.width,
    resizeHeight: t.height,
    resizeQuality: 'medium',
  });
  ctx.drawImage(small, 0, 0);
  small.close();
  return canvas;
}

/**
 * The image as Fooocus will read it: a JPEG whose EXIF orientation is not "as stored" gets its
 * tag set to 1 (in a copy), so the browser's decoders (which turn photos by the tag) draw the
 * stored pixels, the same width and height as the asset's size and what is sent.
 */
function asStoredBytes(bytes: Uint8Array): Uint8Array {
  const fixed = withStoredOrientation(bytes.subarray(0, HEAD_BYTES));
  if (!fixed) return bytes;
  const out = bytes.slice();
  out.set(fixed);
  return out;
}

async function asStored(blob: Blob): Promise<Blob> {
  const h = new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer());
  const fixed = withStoredOrientation(h);
  return fixed
    ? new Blob([fixed as Uint8Array<ArrayBuffer>, blob.slice(h.length)], { type: blob.type })
    : blob;
}

/**
 * A thumbnail file for the node. JPEG for a JPEG (no alpha to keep; it encodes several times faster
 * than WebP, and the thumbnail is on screen that much sooner), WebP for the rest (keeps alpha).
 */
function encodeThumb(canvas: OffscreenCanvas, type: string): Promise<Blob> {
  return canvas.convertToBlob(
    type === 'image/jpeg' ? { type: 'image/jpeg', quality: 0.85 } : { type: 'image/webp', quality: 0.85 },
  );
}

/**
 * Hash, type, size and thumbnail of an image file. The thumbnail comes first (handed to `preview`
 * as soon as it is encoded), the hash after it: the node can show the photo before its hash is
 * known, and hashing while the thumbnail decodes only slowed the decode (on a busy 2-core machine,
 * 12 MP decode alone 245 ms, beside a SHA-256 of the file 416 ms: they share the process's CPU).
 */
async function analyse(blob: Blob, marks: Marks, preview: (thumb: Blob) => void) {
  // The file is read once, into memory, for both the decode and the hash.
  const bytes = new Uint8Array(await blob.arrayBuffer());
  marks.read = now();
  // Type and pixel size from the header (the file name or MIME type may lie). EXIF rotation is
  // ignored, as Fooocus ignores it: the size is the image as stored.
  const header = admitImage(bytes); // a decompression bomb is refused by its header, never decoded
  const stored = asStoredBytes(bytes);
  let { width, height } = header;
  if (!(width > 0 && height > 0)) {
    // A header this reader does not size: measure by decoding once (an error if it cannot be).
    const full = await createImageBitmap(new Blob([stored as Uint8Array<ArrayBuffer>]), {
      imageOrientation: 'none',
    });
    ({ width, height } = full);
    full.close();
  }
  // An image this browser cannot decode (a damaged file) is still kept, without a thumbnail: the
  // pixel check then reports it on its node, and the server may still read it.
  const thumb = await drawThumb(stored, header.type, width, height)
    .then((canvas) => ((marks.decoded = now()), encodeThumb(canvas, header.type)))
    .catch(() => null);
  if (thumb) {
    marks.encoded = now();
    preview(thumb);
  }
  const hash = toHex(await crypto.subtle.digest('SHA-256', bytes));
  marks.hashed = now();
  return { hash, type: header.type, width, height, bytes: bytes.byteLength, thumb };
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
      const marks: Marks = { start: now() };
      const result = await analyse(req.blob, marks, (thumb) =>
        self.postMessage({ id: req.id, ok: true, op: 'preview', thumb } satisfies WorkerReply),
      );
      self.postMessage({ id: req.id, ok: true, op: 'analyse', result, marks } satisfies WorkerReply);
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
      ...(err instanceof NotAnImageError ? { notImage: true as const } : {}),
    } satisfies WorkerReply);
  }
};
