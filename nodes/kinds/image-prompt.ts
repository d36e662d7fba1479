import * as z from '../../contract/zod-mini.ts';
import { CN_TYPES, CN_TYPE_DEFAULTS, type CnType } from '../../contract/enums.ts';
import { field, t } from '../field.ts';
import type { NodeKind } from '../types.ts';

export const imagePrompt = {
  kind: 'imagePrompt',
  version: 1,
  role: 'source',
  title: t('Image Prompt', '图像提示'),
  description: t(
    'A reference image that conditions the main pass: ImagePrompt (content/style), FaceSwap (face), PyraCanny (edges), CPDS (structure). Up to 4 per request.',
    '作为主流程条件的参考图：ImagePrompt（内容/风格）、FaceSwap（人脸）、PyraCanny（边缘）、CPDS（结构）。每个请求最多 4 个。',
  ),
  inputs: [
    {
      id: 'image',
      type: 'image',
      label: t('Reference image', '参考图像'),
      required: true,
      acceptsKinds: ['inputImage'],
      acceptsReason: t(
        'An image prompt needs an uploaded image: images generated in the same request cannot be used as references.',
        '图像提示需要上传的图像：同一请求中生成的图像不能用作参考。',
      ),
    },
  ],
  outputs: [{ id: 'imagePrompt', type: 'imagePrompt', label: t('Image prompt', '图像提示') }],
  params: z.object({
    cn_type: field(z._default(z.enum(CN_TYPES), 'ImagePrompt'), {
      label: t('Type', '类型'),
      help: t(
        'Changing the type also resets stop/weight to that type’s Fooocus UI defaults when they were untouched.',
        '切换类型时，若停止点/权重未被修改，会重置为该类型在 Fooocus 界面中的默认值。',
      ),
    }),
    cn_stop: field(
      z._default(z.number().check(z.minimum(0), z.maximum(1)), CN_TYPE_DEFAULTS.ImagePrompt.stop),
      {
        label: t('Stop at', '停止于'),
        widget: 'slider',
        step: 0.01,
      },
    ),
    cn_weight: field(
      z._default(z.number().check(z.minimum(0), z.maximum(2)), CN_TYPE_DEFAULTS.ImagePrompt.weight),
      {
        label: t('Weight', '权重'),
        widget: 'slider',
        step: 0.01,
      },
    ),
  }),
  inlineFields: ['cn_type', 'cn_stop', 'cn_weight'],
} as const satisfies NodeKind;

type ImagePromptParams = z.infer<typeof imagePrompt.params>;

/** Changes the type; stop/weight follow the new type's defaults unless the user had changed them. */
export function setImagePromptType(p: ImagePromptParams, type: CnType): ImagePromptParams {
  const old = CN_TYPE_DEFAULTS[p.cn_type];
  const untouched = p.cn_stop === old.stop && p.cn_weight === old.weight;
  const next = CN_TYPE_DEFAULTS[type];
  return untouched ? { cn_type: type, cn_stop: next.stop, cn_weight: next.weight } : { ...p, cn_type: type };
}
