/**
 * The images a request will carry: each must be given, listed, decodable and stored here; a URL has a
 * silent failure mode (G-27); an encoding Fooocus misreads is converted (noted); EXIF orientation
 * is ignored by FooocusAPI (warned). Codes: S-no-image, G-27, S-asset-unlisted, S-image-encoding,
 * S-bad-image, S-missing-asset, S-exif-orientation. The pixel ones are raised by `prepareImages`
 * through the functions below.
 */
import { t } from '../../nodes/field.ts';
import { assetHashOf, describeAsset } from '../../nodes/assets.ts';
import { inputNode, type Workflow, type WorkflowNode } from '../../nodes/graph.ts';
import { isImageGiven } from '../../contract/fields.ts';
import type { CompileContext } from '../context.ts';
import { inpaintImageNode } from '../inpaint-image.ts';
import { dataUrlImageProblem, imageProblemText, type ImageProblem } from '../prepare/image-format.ts';
import { orientationSwapsSides, orientationWords, type ImageHeader } from '../prepare/image-header.ts';
import type { Diagnostic } from '../types.ts';
import { kindName } from './text.ts';
import { overBudgetText } from '../prepare/pixel-budget.ts';
import { remoteImageText } from '../prepare/remote-image.ts';

/** Every image a request will carry must be set; URLs have a silent failure mode (G-27). */
export function checkImageInputs(ctx: CompileContext): void {
  const used = new Set<string>();
  const s = ctx.stages;
  if (s && s.source.kind === 'inputImage') used.add(s.source.id);
  for (const ref of ctx.imagePromptRefs.values()) used.add(ref.id);
  for (const n of s?.main ?? []) {
    const mask = inputNode(ctx.chain.g, n.id, 'mask');
    if (mask) used.add(mask.id);
    if (n.kind === 'inpaint') used.add(inpaintImageNode(ctx.chain.g, s!, n).id);
  }
  for (const id of used) {
    const n = ctx.chain.g.node.get(id);
    if (!n) continue;
    const image = ctx.images[id]?.data ?? n.params.image;
    if (!isImageGiven(image)) {
      ctx.d.error(
        'S-no-image',
        n.id,
        t(
          `${kindName(n).en} has no image: pick a file, drop or paste one, or give a URL the FooocusAPI server can reach.`,
          `${kindName(n).zh} 没有图像：请选择文件、拖入或粘贴，或填写 FooocusAPI 服务器可访问的网址。`,
        ),
        { field: 'image' },
      );
    } else if (/^https?:\/\//.test(image)) {
      const local = /^https?:\/\/(localhost|127\.|\[::1\])/.test(image);
      ctx.d.warn(
        'G-27',
        n.id,
        local
          ? t(
              'The FooocusAPI server downloads this URL itself, so "localhost" means the server’s machine. If the download fails, Fooocus silently runs without the image; upload the file instead to be sure.',
              '此网址由 FooocusAPI 服务器自行下载，“localhost”指的是服务器所在的机器。下载失败时 Fooocus 会悄悄地不使用这张图；直接上传文件更可靠。',
            )
          : t(
              'The FooocusAPI server downloads this URL itself (20 s limit, no redirects). If that fails, Fooocus silently runs without the image; upload the file instead to be sure.',
              '此网址由 FooocusAPI 服务器自行下载（20 秒超时，不跟随重定向）。失败时 Fooocus 会悄悄地不使用这张图；直接上传文件更可靠。',
            ),
        { field: 'image' },
      );
    } else if (assetHashOf(image) && !ctx.wf.assets[assetHashOf(image)!]) {
      // The bytes may still be stored, but without type and size the request cannot be planned.
      ctx.d.error(
        'S-asset-unlisted',
        n.id,
        t(
          `${kindName(n).en} refers to an image this workflow does not list in its assets (the document was edited by hand or cut): pick the image again.`,
          `${kindName(n).zh} 引用的图像不在此工作流的素材列表中（文档被手动修改或不完整）：请重新选择图像。`,
        ),
        { field: 'image' },
      );
    } else if (n.kind === 'inputImage') {
      checkImageEncoding(ctx, n);
    }
  }
}

/**
 * An upload Fooocus would misread (palette, 16-bit, grey+alpha, CMYK ...). Information, not a
 * warning: every path that sends (editor run, CLI run and compile) re-encodes it in `prepareImages`.
 */
function checkImageEncoding(ctx: CompileContext, n: WorkflowNode): void {
  const problem = dataUrlImageProblem(String(n.params.image));
  if (problem) ctx.d.info('S-image-encoding', n.id, imageProblemText(problem), { field: 'image' });
}

/** An image whose bytes cannot be decoded. */
export function undecodableImage(n: WorkflowNode, err: unknown): Diagnostic {
  return {
    severity: 'error',
    code: 'S-bad-image',
    nodeId: n.id,
    field: 'image',
    message: t(
      `This image cannot be decoded: its data looks truncated or corrupt (${(err as Error).message.trim()}). Load the file again; use an 8-bit PNG or JPEG.`,
      `无法解码此图像：数据似乎被截断或已损坏（${(err as Error).message.trim()}）。请重新载入文件，并使用 8 位 PNG 或 JPEG。`,
    ),
  };
}

/** An image over the pixel budget, refused from its header before any decode. */
export function imageTooLarge(n: WorkflowNode, size: { width: number; height: number }): Diagnostic {
  return {
    severity: 'error',
    code: 'S-image-too-large',
    nodeId: n.id,
    field: 'image',
    message: overBudgetText(size.width, size.height),
  };
}

/** An http(s) image that `--fetch-images` could not download: the server may still reach it. */
export function remoteImageFailed(n: WorkflowNode, err: unknown): Diagnostic {
  return {
    severity: 'warning',
    code: 'S-remote-image',
    nodeId: n.id,
    field: 'image',
    message: remoteImageText((err as Error).message.trim()),
  };
}

/** An asset the store does not have: where it went, and how to bind it again. */
export function missingAsset(wf: Workflow, n: WorkflowNode, hash: string): Diagnostic {
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
export function encodingNote(n: WorkflowNode, problem: ImageProblem): Diagnostic {
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
export function orientationNote(n: WorkflowNode, h: ImageHeader): Diagnostic {
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
