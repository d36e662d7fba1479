import * as z from '../../contract/zod-mini.ts';
import { field, t } from '../field.ts';
import { imageIn, imageOut, imagePromptsInput } from '../ports.ts';
import type { NodeKind } from '../types.ts';
import { enhancePromptTypeParam, runInParam, strengthParam } from '../uov-common.ts';

export const vary = {
  kind: 'vary',
  version: 1,
  role: 'operation',
  title: t('Vary', '变化'),
  description: t(
    'Image-to-image variation. Subtle denoises 0.5, Strong 0.85; the image is resized so its size lies in the 1024–2048 band.',
    '图生图变化。微弱去噪 0.5，强烈 0.85；图像会缩放到 1024–2048 的尺寸区间。',
  ),
  inputs: [imageIn, imagePromptsInput],
  outputs: [imageOut],
  params: z.object({
    method: field(z._default(z.enum(['Vary (Subtle)', 'Vary (Strong)', 'Disabled']), 'Vary (Subtle)'), {
      label: t('Method', '方法'),
      choiceLabels: {
        'Vary (Subtle)': t('Subtle', '微弱'),
        'Vary (Strong)': t('Strong', '强烈'),
        Disabled: t('Disabled (does nothing)', '禁用（不起作用）'),
      },
    }),
    strength: strengthParam('0.5 / 0.85'),
    runIn: runInParam,
    promptType: enhancePromptTypeParam,
  }),
  inlineFields: ['method'],
} as const satisfies NodeKind;
