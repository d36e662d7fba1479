import * as z from '../contract/zod-mini.ts';
import { field, t } from './field.ts';

/**
 * The Fooocus UI "Method" dropdown is not an API field: it only sets four fields
 * (fooocus-semantics §3.3). Inpaint and Enhance Region both offer it; choosing one writes the four.
 */
export const INPAINT_METHODS = {
  default: { disableInitialLatent: false, engine: 'v2.6', strength: 1.0, respectiveField: 0.618 },
  improveDetail: { disableInitialLatent: false, engine: 'None', strength: 0.5, respectiveField: 0.0 },
  modifyContent: { disableInitialLatent: true, engine: 'v2.6', strength: 1.0, respectiveField: 0.0 },
} as const;
export type InpaintMethod = keyof typeof INPAINT_METHODS | 'custom';

export const inpaintMethodParam = field(
  z._default(z.enum(['default', 'improveDetail', 'modifyContent', 'custom']), 'default'),
  {
    label: t('Method', '方法'),
    help: t(
      'A preset for engine, strength, respective field and initial latent, as in the Fooocus UI. Editing one of those makes it "custom".',
      '与 Fooocus 界面相同的预设，决定引擎、强度、参考范围与初始潜变量。修改其中任一项即变为“自定义”。',
    ),
    choiceLabels: {
      default: t('Inpaint or Outpaint (default)', '重绘或扩图（默认）'),
      improveDetail: t('Improve Detail (face, hand, eyes, etc.)', '改善细节（脸、手、眼等）'),
      modifyContent: t(
        'Modify Content (add objects, change background, etc.)',
        '修改内容（添加物体、换背景等）',
      ),
      custom: t('Custom', '自定义'),
    },
  },
);

/** Which preset four field values match, or "custom". */
export function detectInpaintMethod(v: {
  disableInitialLatent: boolean;
  engine: string;
  strength: number;
  respectiveField: number;
}): InpaintMethod {
  for (const [name, p] of Object.entries(INPAINT_METHODS)) {
    if (
      p.disableInitialLatent === v.disableInitialLatent &&
      p.engine === v.engine &&
      p.strength === v.strength &&
      p.respectiveField === v.respectiveField
    )
      return name as InpaintMethod;
  }
  return 'custom';
}
