/**
 * The async step before compile that needs pixels: measure every image, re-encode uploads Fooocus
 * would misread (palette, 16-bit, CMYK ...) as 8-bit PNG, and bring each mask to the exact size of
 * its image, binarised and (if asked) inverted (G-6, G-7). The compiler then
 * stays pure and receives the results as `images`.
 */
import { t } from '../../nodes/field.ts';
import { indexGraph, type Workflow, type WorkflowNode } from '../../nodes/graph.ts';
import type { Diagnostic } from '../types.ts';
import type { PreparedImages } from '../images.ts';
import { isImageGiven } from '../request/fields.ts';
import { dataUrlImageProblem } from './image-format.ts';
import { binarizeMask, resizeNearest, whiteShare, type ImageAdapter, type RasterImage } from './raster.ts';

export interface PrepareResult {
  images: PreparedImages;
  diagnostics: Diagnostic[];
}

export async function prepareImages(wf: Workflow, adapter: ImageAdapter): Promise<PrepareResult> {
  const g = indexGraph(wf);
  const images: PreparedImages = Object.create(null);
  const diagnostics: Diagnostic[] = [];
  const rasters = new Map<string, RasterImage>();

  const decode = async (n: WorkflowNode): Promise<RasterImage | null> => {
    const src = String(n.params.image ?? '');
    if (!isImageGiven(src)) return null;
    if (rasters.has(n.id)) return rasters.get(n.id)!;
    try {
      const r = await adapter.decode(src);
      rasters.set(n.id, r);
      return r;
    } catch (err) {
      const remote = /^https?:/.test(src);
      if (!remote) {
        diagnostics.push({
          severity: 'error',
          code: 'S-bad-image',
          nodeId: n.id,
          field: 'image',
          message: t(
            `This image cannot be decoded: its data looks truncated or corrupt (${(err as Error).message.trim()}). Load the file again; use an 8-bit PNG or JPEG.`,
            `无法解码此图像：数据似乎被截断或已损坏（${(err as Error).message.trim()}）。请重新载入文件，并使用 8 位 PNG 或 JPEG。`,
          ),
        });
      }
      return null; // a URL the server may still reach: left as is, size unknown
    }
  };

  for (const n of wf.nodes.filter((x) => x.kind === 'inputImage')) {
    const r = await decode(n);
    if (!r) continue;
    const src = String(n.params.image);
    // An encoding Fooocus misreads (the compiler tells the user which) is sent as 8-bit RGB(A): a
    // CMYK photo as a JPEG (as a PNG it would be many times larger), anything else as a PNG.
    const problem = dataUrlImageProblem(src);
    const data = !problem
      ? src
      : problem === 'cmyk'
        ? await adapter.encodeJpeg(r)
        : await adapter.encodePng(r);
    images[n.id] = { data, width: r.width, height: r.height };
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
