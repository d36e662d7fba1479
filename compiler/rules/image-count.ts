/**
 * Fewer images than the graph suggests: enhancing an upload gives one result set (G-22), and
 * "Final image only" can return none when the last region detects nothing (G-21).
 */
import { t } from '../../nodes/field.ts';
import type { CompileContext } from '../context.ts';
import { setImagesToOne } from './text.ts';

export function checkImageCount(ctx: CompileContext): void {
  const s = ctx.stages;
  const settingsId = ctx.chain.settings?.id;
  const n = Number(ctx.settings.image_number);
  if (s?.mode === 'pass-through' && n > 1) {
    // A warning, not an error: the server runs it and returns one result set.
    ctx.d.warn(
      'G-22',
      settingsId ?? s.source.id,
      t(
        `Enhancing an uploaded image always gives one result set: Fooocus forces image_number to 1, so ${n} images cannot be made. Set Images to 1 (or add a Vary in the main pass to get variations).`,
        `增强上传的图像时只会得到一组结果：Fooocus 会把 image_number 强制为 1，无法生成 ${n} 张。请把图像数量设为 1（或在主流程加入 Vary 以获得多个变化）。`,
      ),
      setImagesToOne(settingsId),
    );
  }
  if (s) checkFinalOnly(ctx);
}

/** G-21: "final image only" can return nothing. */
function checkFinalOnly(ctx: CompileContext): void {
  const s = ctx.stages!;
  const out = ctx.chain.output;
  if (out?.params.save_final_enhanced_image_only === true) {
    const last = s.regions[s.regions.length - 1];
    const afterUov = s.enhanceUov?.order === 'After Last Enhancement';
    if (!s.regions.length && !s.enhanceUov) {
      ctx.d.info(
        'G-21',
        out.id,
        t(
          '"Final image only" has no effect without an enhance stage.',
          '没有增强阶段时，“仅最终图像”不起作用。',
        ),
        { field: 'save_final_enhanced_image_only' },
      );
    } else if (last && !afterUov && last.params.enhance_mask_model === 'sam') {
      ctx.d.warn(
        'G-21',
        out.id,
        t(
          `With "Final image only", if the last region ("${String(last.params.enhance_mask_dino_prompt)}") detects nothing, Fooocus keeps the previous step in its temp folder and returns 0 images. Turn it off to get every step.`,
          `开启“仅最终图像”时，若最后一个区域（“${String(last.params.enhance_mask_dino_prompt)}”）检测不到内容，Fooocus 会把上一步留在临时文件夹，返回 0 张图。关闭它可得到每一步的结果。`,
        ),
        {
          field: 'save_final_enhanced_image_only',
          fix: {
            label: t('Return every step', '返回每一步'),
            edits: [
              { op: 'setParam', nodeId: out.id, param: 'save_final_enhanced_image_only', value: false },
            ],
          },
        },
      );
    }
  }
}
