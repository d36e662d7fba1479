/**
 * Inpaint and its mask: outpaint is sent at strength/field 1.0 (G-8), a mask drawn on another image
 * (S-mask-image), a mask of another size is fitted (G-6, also raised by `prepareImages` once the
 * pixels are known), FooocusAPI ignores invert (G-7), the additional prompt leaks (G-23).
 */
import { mainInpaint } from '../stages.ts';
import { t } from '../../nodes/field.ts';
import { inputNode, type WorkflowNode } from '../../nodes/graph.ts';
import type { CompileContext } from '../context.ts';
import { knownSizeOf } from '../images.ts';
import type { Diagnostic, Size } from '../types.ts';

export function checkInpaint(ctx: CompileContext): void {
  const s = ctx.stages;
  const n = s && mainInpaint(s);
  if (!s || !n) return;
  const mask = inputNode(ctx.chain.g, n.id, 'mask');
  const directions = n.params.outpaint_selections;
  if (
    directions.length > 0 &&
    (Number(n.params.inpaint_strength) !== 1 || Number(n.params.inpaint_respective_field) !== 1)
  ) {
    ctx.d.info(
      'G-8',
      n.id,
      t(
        'Outpaint is sent with strength 1.0 and respective field 1.0, as Fooocus intends (version 2.5 no longer enforces it itself).',
        '扩图以强度 1.0、参考范围 1.0 发送，这是 Fooocus 的本意（2.5 版本不再自动强制）。',
      ),
      { field: 'inpaint_strength' },
    );
  }
  if (mask && s.main[0] === n) {
    const drawnOn = inputNode(ctx.chain.g, mask.id, 'image');
    if (drawnOn && drawnOn.id !== s.source.id) {
      ctx.d.warn(
        'S-mask-image',
        mask.id,
        t(
          'This mask is drawn on a different image than the one being inpainted. Wire the mask’s image input from the same Input Image as the Inpaint.',
          '此蒙版绘制在另一张图像上，而不是被重绘的图像。请让蒙版的图像输入与重绘节点来自同一个输入图像。',
        ),
        { field: 'image' },
      );
    }
  }
  if (mask) {
    const image = knownSizeOf(s.source, ctx.images, ctx.wf.assets);
    const m = knownSizeOf(mask, ctx.images, ctx.wf.assets);
    if (image && m && (image.width !== m.width || image.height !== m.height)) {
      ctx.d.info(
        'G-6',
        mask.id,
        t(
          `The mask is ${m.width}×${m.height} but the image is ${image.width}×${image.height}; a different size would crash the worker, so Fooocus Flow resizes the mask before sending.`,
          `蒙版为 ${m.width}×${m.height}，图像为 ${image.width}×${image.height}；尺寸不同会使工作进程崩溃，因此 Fooocus Flow 会在发送前缩放蒙版。`,
        ),
        { field: 'image' },
      );
    }
    if (mask.params.invert === true && !ctx.images[mask.id]) {
      ctx.d.info(
        'G-7',
        mask.id,
        t(
          'FooocusAPI ignores its invert flag, so Fooocus Flow inverts the mask pixels when it prepares the request.',
          'FooocusAPI 会忽略其反转选项，因此 Fooocus Flow 在准备请求时自行反转蒙版像素。',
        ),
        { field: 'invert' },
      );
    }
  }
  if (
    String(n.params.inpaint_additional_prompt ?? '').trim() &&
    s.regions.some((r) => !String(r.params.enhance_prompt ?? '').trim())
  ) {
    ctx.d.warn(
      'G-23',
      n.id,
      t(
        'The additional prompt becomes the first line of the main prompt, and Enhance Regions with an empty prompt use that main prompt too. Give those regions their own prompt if that is not wanted.',
        '附加提示词会成为主提示词的第一行，提示词为空的区域增强也会使用它。若不希望如此，请为这些区域填写自己的提示词。',
      ),
      { field: 'inpaint_additional_prompt' },
    );
  }
}

/** The mask was fitted to its image's size by `prepareImages` (a stretch when the shapes differ). */
export function maskFitted(m: WorkflowNode, mask: Size, target: Size): Diagnostic {
  const stretched = Math.abs(target.width / target.height - mask.width / mask.height) > 0.01;
  return {
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
  };
}
