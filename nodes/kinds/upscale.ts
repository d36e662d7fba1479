import * as z from '../../contract/zod-mini.ts';
import { field, t } from '../field.ts';
import { imageIn, imageOut, imagePromptsInput } from '../ports.ts';
import type { NodeKind } from '../types.ts';
import { enhancePromptTypeParam, runInParam, strengthParam } from '../uov-common.ts';

export const upscale = {
  kind: 'upscale',
  version: 1,
  role: 'operation',
  title: t('Upscale', '放大'),
  description: t(
    'Super-resolution then a light refine (denoise 0.382, uses the prompt). Fast 2x skips diffusion and returns one image.',
    '超分辨率后轻度重绘（去噪 0.382，会使用提示词）。快速 2 倍不做扩散，只返回一张图。',
  ),
  inputs: [imageIn, imagePromptsInput],
  outputs: [imageOut],
  params: z.object({
    method: field(
      z._default(
        z.enum(['Upscale (1.5x)', 'Upscale (2x)', 'Upscale (Fast 2x)', 'Upscale (Custom)', 'Disabled']),
        'Upscale (2x)',
      ),
      {
        label: t('Method', '方法'),
        choiceLabels: {
          'Upscale (1.5x)': t('1.5x', '1.5 倍'),
          'Upscale (2x)': t('2x', '2 倍'),
          'Upscale (Fast 2x)': t('Fast 2x (no diffusion)', '快速 2 倍（无扩散）'),
          'Upscale (Custom)': t('Custom factor', '自定义倍数'),
          Disabled: t('Disabled (does nothing)', '禁用（不起作用）'),
        },
      },
    ),
    factor: field(z._default(z.number().check(z.minimum(1), z.maximum(5)), 1.5), {
      label: t('Custom factor', '自定义倍数'),
      help: t(
        'Used with "Custom factor" (upscale_multiple), 1.0–5.0.',
        '用于“自定义倍数”（upscale_multiple），1.0–5.0。',
      ),
      widget: 'slider',
      step: 0.1,
    }),
    strength: strengthParam('0.382'),
    runIn: runInParam,
    promptType: enhancePromptTypeParam,
  }),
  inlineFields: ['method'],
} as const satisfies NodeKind;
