import * as z from '../../contract/zod-mini.ts';
import { field, t } from '../field.ts';
import type { NodeKind } from '../types.ts';

export const output = {
  kind: 'output',
  version: 1,
  role: 'output',
  title: t('Output', '输出'),
  description: t('The end of the chain: the images the request returns.', '处理链的终点：请求返回的图像。'),
  inputs: [{ id: 'image', type: 'image', label: t('Image', '图像'), required: true }],
  outputs: [],
  params: z.object({
    save_final_enhanced_image_only: field(z._default(z.boolean(), false), {
      label: t('Final image only', '仅最终图像'),
      help: t(
        'Return only the last enhanced image per input instead of every intermediate step. Fooocus can then return 0 images in some cases (a warning tells you when).',
        '每张输入只返回最后一张增强结果，而不是每个中间步骤。某些情况下 Fooocus 会因此返回 0 张（届时会给出警告）。',
      ),
    }),
  }),
  inlineFields: ['save_final_enhanced_image_only'],
  singleton: true,
} as const satisfies NodeKind;
