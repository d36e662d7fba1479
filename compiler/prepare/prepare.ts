/**
 * The async step before compile that needs bytes or pixels: read each image asset (reporting the
 * ones not stored here, and a photo's EXIF orientation), measure every image, re-encode uploads
 * Fooocus would misread (palette, 16-bit, CMYK ...) as 8-bit PNG, and bring each mask to the exact
 * size of its image, binarised and (if asked) inverted (G-6, G-7). The compiler then stays pure
 * and receives the results as `images`.
 */
import { t } from '../../nodes/field.ts';
import { assetRef, assetHashOf, describeAsset, type AssetReader } from '../../nodes/assets.ts';
import { indexGraph, type Workflow, type WorkflowNode } from '../../nodes/graph.ts';
import type { Diagnostic } from '../types.ts';
import type { PreparedImages } from '../images.ts';
import { isImageGiven } from '../request/fields.ts';
import { dataUrlImageProblem, imageProblem, imageProblemText, type ImageProblem } from './image-format.ts';
import {
  orientationSwapsSides,
  orientationWords,
  readImageHeader,
  type ImageHeader,
} from './image-header.ts';
import { ImageTooLargeError, isOverBudget, overBudgetText, withPixelBudget } from './pixel-budget.ts';
import { RemoteImageNotFetchedError, remoteImageText } from './remote-image.ts';
import { binarizeMask, resizeNearest, whiteShare, type ImageAdapter, type RasterImage } from './raster.ts';

export interface PrepareResult {
  images: PreparedImages;
  diagnostics: Diagnostic[];
}

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
  const readAsset = (hash: string) => {
    if (!bytesOf.has(hash)) bytesOf.set(hash, assets.get(hash));
    return bytesOf.get(hash)!;
  };
  const decodeOnce = (key: string, run: () => Promise<RasterImage>) => {
    if (!rasters.has(key)) rasters.set(key, run());
    return rasters.get(key)!;
  };

  const tooLarge = (n: WorkflowNode, size: { width: number; height: number }) =>
    diagnostics.push({
      severity: 'error',
      code: 'S-image-too-large',
      nodeId: n.id,
      field: 'image',
      message: overBudgetText(size.width, size.height),
    });
  const badImage = (n: WorkflowNode, err: unknown) =>
    err instanceof ImageTooLargeError
      ? tooLarge(n, err)
      : diagnostics.push({
          severity: 'error',
          code: 'S-bad-image',
          nodeId: n.id,
          field: 'image',
          message: t(
            `This image cannot be decoded: its data looks truncated or corrupt (${(err as Error).message.trim()}). Load the file again; use an 8-bit PNG or JPEG.`,
            `无法解码此图像：数据似乎被截断或已损坏（${(err as Error).message.trim()}）。请重新载入文件，并使用 8 位 PNG 或 JPEG。`,
          ),
        });

  const remoteFailed = (n: WorkflowNode, err: unknown) =>
    diagnostics.push({
      severity: 'warning',
      code: 'S-remote-image',
      nodeId: n.id,
      field: 'image',
      message: remoteImageText((err as Error).message.trim()),
    });

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
    const bytes = await assetBytes(n, hash);
    if (!bytes) return null;
    const header = readImageHeader(bytes);
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
      const r = await decodeOnce(hash, () => adapter.decodeBytes(bytes));
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
    const target = maskTarget(m, g, images);
    let mask = binarizeMask(raw, m.params.invert === true);
    if (target && (target.width !== mask.width || target.height !== mask.height)) {
      // G-6: a mask of another size would crash the worker, so it is fitted here, and the user told.
      const stretched = Math.abs(target.width / target.height - mask.width / mask.height) > 0.01;
      diagnostics.push({
        severity: stretched ? 'warning' : 'info',
        code: 'G-6',
        nodeId: m.id,
        field: 'image',
        message: stretched
          ? t(
              `The mask is ${mask.width}×${mask.height} but its image is ${target.width}×${target.height}, another shape: it is stretched to fit, so painted areas move. Paint the mask on this image instead.`,
              `蒙版为 ${mask.width}×${mask.height}，而图像为 ${target.width}×${target.height}，宽高比不同：蒙版会被拉伸以适配，涂抹区域会错位。请在这张图像上重新绘制蒙版。`,
            )
          : t(
              `The mask is ${mask.width}×${mask.height} and its image ${target.width}×${target.height}; a different size would crash the worker, so the mask is resized before sending.`,
              `蒙版为 ${mask.width}×${mask.height}，图像为 ${target.width}×${target.height}；尺寸不同会使工作进程崩溃，因此发送前会缩放蒙版。`,
            ),
      });
      mask = resizeNearest(mask, target.width, target.height);
    }
    if (whiteShare(mask) === 0) {
      diagnostics.push({
        severity: 'warning',
        code: 'G-5',
        nodeId: m.id,
        field: 'image',
        message: t(
          'The mask has no white pixel: Fooocus would skip the inpaint silently. Paint the area to repaint in white (or untick Invert).',
          '蒙版中没有白色像素：Fooocus 会悄悄跳过重绘。请用白色涂出要重绘的区域（或取消反转）。',
        ),
      });
    }
    images[m.id] = { data: await adapter.encodePng(mask), width: mask.width, height: mask.height };
  }
  return { images, diagnostics };
}

/** The image a mask belongs to: its own `image` wire, else the source of the Inpaint it feeds. */
function maskTarget(m: WorkflowNode, g: ReturnType<typeof indexGraph>, images: PreparedImages) {
  const own = (g.incoming.get(m.id) ?? []).find((e) => e.targetHandle === 'image');
  if (own && images[own.source]) return images[own.source];
  for (const e of g.outgoing.get(m.id) ?? []) {
    // Walk up from the Inpaint to the Input Image at the head of its chain.
    let id: string | undefined = e.target;
    for (let guard = 0; id && guard < 1000; guard++) {
      if (images[id]) return images[id];
      id = (g.incoming.get(id) ?? []).find((x) => x.targetHandle === 'image')?.source;
    }
  }
  return undefined;
}

/** An asset the store does not have: where it went, and how to bind it again. */
function missingAsset(wf: Workflow, n: WorkflowNode, hash: string): Diagnostic {
  const meta = wf.assets[hash];
  const what = meta ? describeAsset(meta) : `<image ${hash.slice(0, 12)}…>`;
  const exposed = wf.exposed.find((x) => x.nodeId === n.id && x.param === 'image');
  const cli = exposed ? ` (command line: --input ${exposed.name}=FILE)` : '';
  const cliZh = exposed ? `（命令行：--input ${exposed.name}=文件）` : '';
  return {
    severity: 'error',
    code: 'S-missing-asset',
    nodeId: n.id,
    field: 'image',
    message: t(
      `The image ${what} is not stored here: the workflow was saved without images, or the stored images were deleted. Pick the file again${cli}.`,
      `图像 ${what} 不在本机存储中：工作流保存时未包含图像，或已存储的图像被删除。请重新选择文件${cliZh}。`,
    ),
  };
}

/** What compile says about a data URL's encoding, said here for an asset (compile never sees its bytes). */
function encodingNote(n: WorkflowNode, problem: ImageProblem): Diagnostic {
  return {
    severity: 'info',
    code: 'S-image-encoding',
    nodeId: n.id,
    field: 'image',
    message: imageProblemText(problem),
  };
}

/**
 * FooocusAPI ignores EXIF orientation (`read_input_image`: `PIL.Image.open` then `numpy.array`, no
 * `exif_transpose`), so the photo is sent as stored, as the server will read it, and the user is
 * told that Fooocus sees it otherwise than a photo viewer shows it.
 */
function orientationNote(n: WorkflowNode, h: ImageHeader): Diagnostic {
  const how = orientationWords(h.orientation);
  const swap = orientationSwapsSides(h.orientation);
  const seen = swap ? `${h.height}×${h.width}` : `${h.width}×${h.height}`;
  return {
    severity: 'warning',
    code: 'S-exif-orientation',
    nodeId: n.id,
    field: 'image',
    message: t(
      `Photo viewers show this photo ${how.en} from how its pixels are stored (its EXIF orientation is ${h.orientation}). FooocusAPI ignores that tag, so Fooocus works on the pixels as stored — ${h.width}×${h.height} where you see ${seen} — and the results come back that way. To have Fooocus see it as you do, save a rotated copy with the rotation applied to the pixels and pick that.`,
      `此照片存储的方向与看图软件显示的不同（EXIF 方向为 ${h.orientation}，显示时${how.zh}）。FooocusAPI 会忽略该标记，因此 Fooocus 按存储的像素处理——${h.width}×${h.height}，而您看到的是 ${seen}——结果也会是这个方向。若要让 Fooocus 看到与您相同的方向，请保存一份真正旋转了像素的副本并选择它。`,
    ),
  };
}
