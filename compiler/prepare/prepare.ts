/**
 * The async step before compile that needs bytes or pixels: read each image asset (reporting the
 * ones not stored here, and a photo's EXIF orientation), measure every image, re-encode uploads
 * Fooocus would misread (palette, 16-bit, CMYK ...) as 8-bit PNG, and bring each mask to the exact
 * size of its image, binarised and (if asked) inverted (G-6, G-7). The compiler then stays pure
 * and receives the results as `images`.
 */
import { assetRef, assetHashOf, type AssetReader } from '../../nodes/assets.ts';
import { indexGraph, type Workflow, type WorkflowNode } from '../../nodes/graph.ts';
import { maskImageNode } from '../../nodes/mask-image.ts';
import type { Diagnostic } from '../types.ts';
import type { PreparedImages } from '../images.ts';
import { isImageGiven } from '../../contract/fields.ts';
import { dataUrlImageProblem, imageProblem, type ImageProblem } from './image-format.ts';
import { readImageHeader, type ImageHeader } from './image-header.ts';
import {
  encodingNote,
  imageTooLarge,
  missingAsset,
  orientationNote,
  remoteImageFailed,
  undecodableImage,
} from '../rules/image-inputs.ts';
import { maskFitted } from '../rules/inpaint.ts';
import { emptyMask } from '../rules/skipped-steps.ts';
import { ImageTooLargeError, isOverBudget, withPixelBudget } from './pixel-budget.ts';
import { RemoteImageNotFetchedError } from './remote-image.ts';
import { binarizeMask, resizeNearest, whiteShare, type ImageAdapter, type RasterImage } from './raster.ts';

export interface PrepareResult {
  images: PreparedImages;
  diagnostics: Diagnostic[];
}

/**
 * How much of an asset the pixel check reads first: a photo's frame header and EXIF block (at most
 * 64 KB) sit in its first bytes in practice, so a 7 MB photo costs 256 KB, not 7 MB, per check.
 */
export const HEAD_BYTES = 256 * 1024;

/** A reader with no assets: every asset reference is then reported missing. */
const NO_ASSETS: AssetReader = { get: async () => null };

/**
 * `assets` is where asset references are read from (the browser's IndexedDB, the CLI's file and
 * folder stores). An ordinary PNG/JPEG/WebP asset is not decoded at all: its size comes from its
 * header, and it stays a reference that `inlineRequestImages` turns into base64 at send time.
 */
export async function prepareImages(
  wf: Workflow,
  platformAdapter: ImageAdapter,
  assets: AssetReader = NO_ASSETS,
): Promise<PrepareResult> {
  // No image is decoded before its header's size is checked against the pixel budget.
  const adapter = withPixelBudget(platformAdapter);
  const g = indexGraph(wf);
  const images: PreparedImages = Object.create(null);
  const diagnostics: Diagnostic[] = [];
  // Each source (asset hash or URL) is read and decoded once, however many nodes use it.
  const bytesOf = new Map<string, Promise<Uint8Array | null>>();
  const rasters = new Map<string, Promise<RasterImage>>();
  const headOf = new Map<string, Promise<Uint8Array | null>>();
  const readHead = (hash: string) => {
    if (!headOf.has(hash)) headOf.set(hash, assets.head ? assets.head(hash, HEAD_BYTES) : readAsset(hash));
    return headOf.get(hash)!;
  };
  const readAsset = (hash: string) => {
    if (!bytesOf.has(hash)) bytesOf.set(hash, assets.get(hash));
    return bytesOf.get(hash)!;
  };
  const decodeOnce = (key: string, run: () => Promise<RasterImage>) => {
    if (!rasters.has(key)) rasters.set(key, run());
    return rasters.get(key)!;
  };

  const tooLarge = (n: WorkflowNode, size: { width: number; height: number }) =>
    diagnostics.push(imageTooLarge(n, size));
  const badImage = (n: WorkflowNode, err: unknown) =>
    err instanceof ImageTooLargeError ? tooLarge(n, err) : diagnostics.push(undecodableImage(n, err));
  const remoteFailed = (n: WorkflowNode, err: unknown) => diagnostics.push(remoteImageFailed(n, err));

  /** The asset's bytes, or null after reporting it missing on the node. */
  const assetBytes = async (n: WorkflowNode, hash: string): Promise<Uint8Array | null> => {
    const bytes = await readAsset(hash).catch(() => null);
    if (!bytes) diagnostics.push(missingAsset(wf, n, hash));
    return bytes;
  };

  /** Pixels of a node's image (asset, data URL or URL), or null (reported unless a URL). */
  const decode = async (n: WorkflowNode): Promise<RasterImage | null> => {
    const src = String(n.params.image ?? '');
    if (!isImageGiven(src)) return null;
    const hash = assetHashOf(src);
    try {
      if (hash) {
        const bytes = await assetBytes(n, hash);
        return bytes ? await decodeOnce(hash, () => adapter.decodeBytes(bytes)) : null;
      }
      return await decodeOnce(src, () => adapter.decode(src));
    } catch (err) {
      // A URL not fetched (not asked to), or one that failed, is left as is: the server may reach it.
      if (err instanceof RemoteImageNotFetchedError) return null;
      if (/^https?:/i.test(src) && !(err instanceof ImageTooLargeError)) remoteFailed(n, err);
      else badImage(n, err);
      return null;
    }
  };

  for (const n of wf.nodes.filter((x) => x.kind === 'inputImage')) {
    const hash = assetHashOf(n.params.image);
    if (hash) {
      const prepared = await prepareAsset(n, hash);
      if (prepared) images[n.id] = prepared;
      continue;
    }
    const r = await decode(n);
    if (!r) continue;
    const src = String(n.params.image);
    const problem = dataUrlImageProblem(src);
    images[n.id] = { data: problem ? await convert(problem, r) : src, width: r.width, height: r.height };
  }

  /**
   * An Input Image asset: sent as it is when Fooocus reads it right (no decoding: the header has
   * the size), else decoded and converted. Its EXIF orientation is reported when it turns the photo.
   */
  async function prepareAsset(n: WorkflowNode, hash: string) {
    // The header first: an ordinary photo is measured and checked from it alone. The whole file is
    // read only when the header lies beyond it (a cut head says no size) or pixels are needed.
    const head = await readHead(hash).catch(() => null);
    if (!head) {
      diagnostics.push(missingAsset(wf, n, hash));
      return null;
    }
    const cut = !!assets.head && head.length >= HEAD_BYTES;
    const sized = (h: ImageHeader | null) => !!h && h.width > 0 && h.height > 0;
    let bytes = head;
    let header = readImageHeader(head);
    if (cut && !sized(header)) {
      const all = await assetBytes(n, hash);
      if (!all) return null;
      bytes = all;
      header = readImageHeader(all);
    }
    if (!header) {
      badImage(n, new Error('the file is not a PNG, JPEG or WebP image'));
      return null;
    }
    if (isOverBudget(header)) {
      tooLarge(n, header);
      return null;
    }
    if (header.orientation !== 1) diagnostics.push(orientationNote(n, header));
    const problem = imageProblem(bytes);
    if (problem) diagnostics.push(encodingNote(n, problem));
    if (!problem && header.width > 0 && header.height > 0)
      return { data: assetRef(hash), width: header.width, height: header.height };
    try {
      const all = bytes === head && cut ? await assetBytes(n, hash) : bytes;
      if (!all) return null;
      const r = await decodeOnce(hash, () => adapter.decodeBytes(all));
      return { data: problem ? await convert(problem, r) : assetRef(hash), width: r.width, height: r.height };
    } catch (err) {
      badImage(n, err);
      return null;
    }
  }

  /**
   * An encoding Fooocus misreads is sent as 8-bit RGB(A): a CMYK photo as a JPEG (as a PNG it
   * would be many times larger), anything else as a PNG.
   */
  async function convert(problem: ImageProblem, r: RasterImage) {
    return problem === 'cmyk' ? adapter.encodeJpeg(r) : adapter.encodePng(r);
  }

  for (const m of wf.nodes.filter((x) => x.kind === 'mask')) {
    const raw = await decode(m);
    if (!raw) continue;
    const drawnOn = maskImageNode(g, m.id, (n) => !!images[n.id]);
    const target = drawnOn && images[drawnOn.id];
    let mask = binarizeMask(raw, m.params.invert === true);
    if (target && (target.width !== mask.width || target.height !== mask.height)) {
      // G-6: a mask of another size would crash the worker, so it is fitted here, and the user told.
      diagnostics.push(maskFitted(m, mask, target));
      mask = resizeNearest(mask, target.width, target.height);
    }
    if (whiteShare(mask) === 0) {
      diagnostics.push(emptyMask(m));
    }
    images[m.id] = { data: await adapter.encodePng(mask), width: mask.width, height: mask.height };
  }
  return { images, diagnostics };
}
