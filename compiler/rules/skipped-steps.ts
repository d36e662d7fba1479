/**
 * Steps Fooocus would skip without a word (G-5): a Vary/Upscale set to Disabled, an Inpaint with no
 * mask and no outpaint direction, a mask with no white pixel (found by `prepareImages`).
 */
import { mainInpaint } from '../stages.ts';
import { t } from '../../nodes/field.ts';
import { inputNode, type WorkflowNode } from '../../nodes/graph.ts';
import type { CompileContext } from '../context.ts';
import type { Diagnostic } from '../types.ts';
import { kindName } from './text.ts';
import { uovSteps } from './uov.ts';

export function checkSkippedSteps(ctx: CompileContext): void {
  for (const n of uovSteps(ctx)) {
    if (n.params.method === 'Disabled') {
      ctx.d.error(
        'G-5',
        n.id,
        t(
          `${kindName(n).en} is set to Disabled: Fooocus would ignore the image and run plain text-to-image. Pick a method or remove the node.`,
          `${kindName(n).zh} 设为禁用：Fooocus 会忽略图像而直接文生图。请选择方法或删除此节点。`,
        ),
        { field: 'method' },
      );
    }
  }
  const s = ctx.stages;
  const n = s && mainInpaint(s);
  if (!s || !n) return;
  const mask = inputNode(ctx.chain.g, n.id, 'mask');
  const directions = n.params.outpaint_selections;
  if (!mask && directions.length === 0) {
    ctx.d.error(
      'G-5',
      n.id,
      t(
        'Inpaint has no mask and no outpaint direction: Fooocus would skip it silently and run plain text-to-image. Wire a Mask in, or pick outpaint directions.',
        '重绘既没有蒙版也没有扩图方向：Fooocus 会悄悄跳过它并直接文生图。请连接蒙版，或选择扩图方向。',
      ),
      { field: 'mask' },
    );
  }
}

/** A mask with no white pixel: Fooocus skips the inpaint. */
export function emptyMask(m: WorkflowNode): Diagnostic {
  return {
    severity: 'warning',
    code: 'G-5',
    nodeId: m.id,
    field: 'image',
    message: t(
      'The mask has no white pixel: Fooocus would skip the inpaint silently. Paint the area to repaint in white (or untick Invert).',
      '蒙版中没有白色像素：Fooocus 会悄悄跳过重绘。请用白色涂出要重绘的区域（或取消反转）。',
    ),
  };
}
