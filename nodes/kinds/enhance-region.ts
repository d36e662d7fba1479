import * as z from '../../contract/zod-mini.ts';
import { field, t } from '../field.ts';
import { INPAINT_METHODS, detectInpaintMethod, inpaintMethodParam } from '../inpaint-methods.ts';
import { imageIn, imageOut } from '../ports.ts';
import { enhanceParam } from '../request-field.ts';
import type { NodeKind } from '../types.ts';

export const enhanceRegion = {
  kind: 'enhanceRegion',
  version: 1,
  role: 'enhance',
  title: t('Enhance Region', '区域增强'),
  description: t(
    'Finds a region (e.g. face, eye, mouth, hair, hand) on the current image and repaints it with its own prompt. Regions run in chain order, at most 3 per request.',
    '在当前图像上检测区域（如 face、eye、mouth、hair、hand）并用自己的提示词重绘。按链条顺序运行，每个请求最多 3 个。',
  ),
  inputs: [imageIn],
  outputs: [imageOut],
  params: z.object({
    enabled: field(z._default(z.boolean(), true), {
      label: t('Enabled', '启用'),
      help: t(
        'A disabled region is left out of the request; the chain closes the gap.',
        '禁用的区域不会发送；链条会跳过它。',
      ),
    }),
    enhance_mask_dino_prompt: enhanceParam('enhance_mask_dino_prompt', {
      label: t('Detect (what to find)', '检测内容'),
      help: t(
        'English, singular: face, eye, mouth, hair, hand, body... Nothing found = the region is skipped (no image).',
        '用英文单数：face、eye、mouth、hair、hand、body……未检测到时该区域被跳过（不出图）。',
      ),
    }),
    enhance_prompt: enhanceParam('enhance_prompt', {
      label: t('Prompt', '提示词'),
      help: t('Empty = the main prompt.', '留空 = 使用主提示词。'),
      widget: 'textarea',
    }),
    enhance_negative_prompt: enhanceParam('enhance_negative_prompt', {
      label: t('Negative prompt', '反向提示词'),
      help: t('Empty = the main negative prompt.', '留空 = 使用主反向提示词。'),
      widget: 'textarea',
    }),
    enhance_mask_model: enhanceParam('enhance_mask_model', {
      label: t('Mask model', '蒙版模型'),
      help: t(
        'sam uses the detection text; every other model ignores it.',
        'sam 会使用检测文本，其他模型都会忽略它。',
      ),
      group: 'mask',
    }),
    enhance_mask_cloth_category: enhanceParam('enhance_mask_cloth_category', {
      label: t('Cloth category (u2net_cloth_seg)', '服装类别（u2net_cloth_seg）'),
      group: 'mask',
    }),
    enhance_mask_sam_model: enhanceParam('enhance_mask_sam_model', {
      label: t('SAM model', 'SAM 模型'),
      group: 'mask',
    }),
    enhance_mask_text_threshold: enhanceParam('enhance_mask_text_threshold', {
      label: t('Text threshold', '文本阈值'),
      widget: 'slider',
      step: 0.01,
      group: 'mask',
    }),
    enhance_mask_box_threshold: enhanceParam('enhance_mask_box_threshold', {
      label: t('Box threshold', '框阈值'),
      widget: 'slider',
      step: 0.01,
      group: 'mask',
    }),
    enhance_mask_sam_max_detections: enhanceParam('enhance_mask_sam_max_detections', {
      label: t('Max detections (0 = all)', '最多检测数（0 = 全部）'),
      widget: 'slider',
      step: 1,
      group: 'mask',
    }),
    enhance_mask_invert: enhanceParam('enhance_mask_invert', {
      label: t('Invert mask', '反转蒙版'),
      group: 'mask',
    }),
    method: inpaintMethodParam,
    enhance_inpaint_engine: enhanceParam('enhance_inpaint_engine', {
      label: t('Inpaint engine', '重绘引擎'),
      group: 'inpaint',
    }),
    enhance_inpaint_strength: enhanceParam('enhance_inpaint_strength', {
      label: t('Strength (denoise)', '强度（去噪）'),
      widget: 'slider',
      step: 0.01,
      group: 'inpaint',
    }),
    enhance_inpaint_respective_field: enhanceParam('enhance_inpaint_respective_field', {
      label: t('Respective field', '参考范围'),
      widget: 'slider',
      step: 0.001,
      group: 'inpaint',
    }),
    enhance_inpaint_disable_initial_latent: enhanceParam('enhance_inpaint_disable_initial_latent', {
      label: t('Start from noise (disable initial latent)', '从噪声开始（禁用初始潜变量）'),
      group: 'inpaint',
    }),
    enhance_inpaint_erode_or_dilate: enhanceParam('enhance_inpaint_erode_or_dilate', {
      label: t('Mask erode (−) / dilate (+)', '蒙版腐蚀（−）/ 膨胀（+）'),
      widget: 'slider',
      step: 1,
      group: 'inpaint',
    }),
  }),
  inlineFields: ['enhance_mask_dino_prompt', 'enhance_prompt'],
} as const satisfies NodeKind;

type EnhanceParams = z.infer<typeof enhanceRegion.params>;

export function applyEnhanceMethod(p: EnhanceParams, method: EnhanceParams['method']): EnhanceParams {
  if (method === 'custom') return { ...p, method };
  const m = INPAINT_METHODS[method];
  return {
    ...p,
    method,
    enhance_inpaint_disable_initial_latent: m.disableInitialLatent,
    enhance_inpaint_engine: m.engine,
    enhance_inpaint_strength: m.strength,
    enhance_inpaint_respective_field: m.respectiveField,
  };
}

export function enhanceMethodOf(p: EnhanceParams) {
  return detectInpaintMethod({
    disableInitialLatent: p.enhance_inpaint_disable_initial_latent,
    engine: p.enhance_inpaint_engine,
    strength: p.enhance_inpaint_strength,
    respectiveField: p.enhance_inpaint_respective_field,
  });
}
