import * as z from '../../contract/zod-mini.ts';
import { OUTPAINT_DIRECTIONS } from '../../contract/enums.ts';
import { field, t } from '../field.ts';
import { INPAINT_METHODS, detectInpaintMethod, inpaintMethodParam } from '../inpaint-methods.ts';
import { imageIn, imageOut, imagePromptsInput } from '../ports.ts';
import { requestParam } from '../request-field.ts';
import type { NodeKind } from '../types.ts';

export const inpaint = {
  kind: 'inpaint',
  version: 1,
  role: 'operation',
  title: t('Inpaint / Outpaint', '重绘 / 扩图'),
  description: t(
    'Repaints the white area of the mask, and/or extends the image on the chosen sides. Keeps the input size (outpaint enlarges it).',
    '重绘蒙版白色区域，和/或向所选方向扩展图像。输出保持输入尺寸（扩图会变大）。',
  ),
  inputs: [
    imageIn,
    {
      id: 'mask',
      type: 'mask',
      label: t('Mask', '蒙版'),
      acceptsKinds: ['mask'],
    },
    imagePromptsInput,
  ],
  outputs: [imageOut],
  params: z.object({
    method: inpaintMethodParam,
    inpaint_engine: requestParam('inpaint_engine', { label: t('Inpaint engine', '重绘引擎') }),
    inpaint_strength: requestParam('inpaint_strength', {
      label: t('Strength (denoise)', '强度（去噪）'),
      widget: 'slider',
      step: 0.01,
    }),
    inpaint_respective_field: requestParam('inpaint_respective_field', {
      label: t('Respective field', '参考范围'),
      help: t(
        '0 ≈ only the masked area, 1 = the whole image as context.',
        '0 ≈ 仅蒙版区域，1 = 整张图像作为上下文。',
      ),
      widget: 'slider',
      step: 0.001,
    }),
    inpaint_disable_initial_latent: requestParam('inpaint_disable_initial_latent', {
      label: t('Start from noise (disable initial latent)', '从噪声开始（禁用初始潜变量）'),
    }),
    inpaint_erode_or_dilate: requestParam('inpaint_erode_or_dilate', {
      label: t('Mask erode (−) / dilate (+)', '蒙版腐蚀（−）/ 膨胀（+）'),
      widget: 'slider',
      step: 1,
      group: 'mask',
    }),
    inpaint_additional_prompt: requestParam('inpaint_additional_prompt', {
      label: t('Additional prompt', '附加提示词'),
      help: t(
        'Becomes the first prompt line while inpainting, and leaks into enhance regions with an empty prompt.',
        '重绘时成为提示词第一行，并会影响提示词为空的增强区域。',
      ),
      widget: 'textarea',
    }),
    outpaint_selections: field(z._default(z.array(z.enum(OUTPAINT_DIRECTIONS)), []), {
      label: t('Outpaint directions', '扩图方向'),
      widget: 'directions',
      group: 'inpaint',
    }),
    outpaint_distance: field(
      z._default(z.array(z.int().check(z.minimum(0))).check(z.length(4)), [0, 0, 0, 0]),
      {
        label: t('Outpaint distance px [left, top, right, bottom]', '扩图距离（像素）[左, 上, 右, 下]'),
        help: t(
          '0 = 30% of the image width (left/right) or height (top/bottom).',
          '0 = 图像宽度（左右）或高度（上下）的 30%。',
        ),
        widget: 'distances',
        group: 'inpaint',
      },
    ),
  }),
  inlineFields: ['method', 'outpaint_selections'],
} as const satisfies NodeKind;

type InpaintParams = z.infer<typeof inpaint.params>;

/** Applies a method preset (UI dropdown) to the four fields it controls. */
export function applyInpaintMethod(p: InpaintParams, method: InpaintParams['method']): InpaintParams {
  if (method === 'custom') return { ...p, method };
  const m = INPAINT_METHODS[method];
  return {
    ...p,
    method,
    inpaint_disable_initial_latent: m.disableInitialLatent,
    inpaint_engine: m.engine,
    inpaint_strength: m.strength,
    inpaint_respective_field: m.respectiveField,
  };
}

export function inpaintMethodOf(p: InpaintParams) {
  return detectInpaintMethod({
    disableInitialLatent: p.inpaint_disable_initial_latent,
    engine: p.inpaint_engine,
    strength: p.inpaint_strength,
    respectiveField: p.inpaint_respective_field,
  });
}
