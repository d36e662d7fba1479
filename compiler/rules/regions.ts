/**
 * Enhance Regions (fooocus-semantics §2.2, §3.5, §3.6): the sam model needs detection text and the
 * others ignore it (G-18), at most three per request (G-16), disabled ones are left out (S-disabled),
 * and every region step uses the base seed for all images (G-24).
 */
import { t } from '../../nodes/field.ts';
import type { CompileContext } from '../context.ts';

export function checkRegions(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s) return;
  const settingsId = ctx.chain.settings?.id;
  const n = Number(ctx.settings.image_number);
  if (s.mode !== 'pass-through' && n > 1 && s.regions.length > 0) {
    ctx.d.warn(
      'G-24',
      settingsId ?? s.regions[0]!.id,
      t(
        `Each of the ${n} images uses seed + i, but every Enhance Region step uses the base seed for all of them.`,
        `这 ${n} 张图各自使用 种子 + i，但每个区域增强步骤对所有图都使用基础种子。`,
      ),
      { field: 'image_number' },
    );
  }
  s.regions.forEach((r, i) => {
    const model = r.params.enhance_mask_model;
    const word = String(r.params.enhance_mask_dino_prompt ?? '').trim();
    if (model === 'sam' && !word) {
      ctx.d.error(
        'G-18',
        r.id,
        t(
          'The sam mask model finds regions by text: say what to detect (face, eye, mouth, hair, hand...).',
          'sam 蒙版模型按文本检测区域：请填写要检测的内容（face、eye、mouth、hair、hand 等）。',
        ),
        { field: 'enhance_mask_dino_prompt' },
      );
    } else if (model !== 'sam' && word) {
      ctx.d.warn(
        'G-18',
        r.id,
        t(
          `${String(model)} ignores the detection text "${word}"; only sam uses it.`,
          `${String(model)} 会忽略检测文本“${word}”；只有 sam 使用它。`,
        ),
        { field: 'enhance_mask_dino_prompt' },
      );
    }
    if (i >= 3) {
      ctx.d.error(
        'G-16',
        r.id,
        t(
          'A request holds at most 3 Enhance Regions; a fourth is ignored and shifts the server’s arguments. Disable or remove this one, or split the work into two workflows.',
          '一个请求最多 3 个区域增强；第 4 个会被忽略并打乱服务器参数。请禁用或删除此节点，或拆分为两个工作流。',
        ),
        {
          fix: {
            label: t('Disable this region', '禁用此区域'),
            edits: [{ op: 'setParam', nodeId: r.id, param: 'enabled', value: false }],
          },
        },
      );
    }
  });
  for (const r of s.disabledRegions) {
    ctx.d.info(
      'S-disabled',
      r.id,
      t(
        'Disabled: left out of the request; the chain closes the gap.',
        '已禁用：不包含在请求中，链条会跳过它。',
      ),
    );
  }
}
