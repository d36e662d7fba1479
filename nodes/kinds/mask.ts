import * as z from '../../contract/zod-mini.ts';
import { field, t } from '../field.ts';
import type { NodeKind } from '../types.ts';
import { imageRef, knownSize } from './input-image.ts';

export const mask = {
  kind: 'mask',
  version: 1,
  role: 'source',
  title: t('Mask', '蒙版'),
  description: t(
    'Which pixels to repaint: white = repaint, black = keep. Must have the exact size of its image; connect the image to check it and to paint over it.',
    '需要重绘的区域：白色重绘，黑色保留。尺寸必须与图像完全一致；连接图像后可检查尺寸并在其上绘制。',
  ),
  inputs: [
    {
      id: 'image',
      type: 'image',
      label: t('Image (to paint over)', '图像（用于绘制）'),
      acceptsKinds: ['inputImage'],
      acceptsReason: t(
        'A mask is painted over the uploaded image it belongs to; connect an Input Image.',
        '蒙版绘制在它所属的上传图像上，请连接输入图像节点。',
      ),
    },
  ],
  outputs: [{ id: 'mask', type: 'mask', label: t('Mask', '蒙版') }],
  params: z.object({
    image: field(z._default(imageRef, ''), {
      label: t('Mask image', '蒙版图像'),
      help: t(
        'Upload a mask or draw one in the painter. White = repaint.',
        '上传或在绘制器中画出蒙版。白色 = 重绘。',
      ),
      widget: 'image',
    }),
    source: field(z._default(z.enum(['upload', 'drawn']), 'upload'), {
      label: t('Source', '来源'),
      choiceLabels: { upload: t('Uploaded', '上传'), drawn: t('Drawn', '手绘') },
    }),
    invert: field(z._default(z.boolean(), false), {
      label: t('Invert', '反转'),
      help: t(
        'FooocusAPI ignores its own invert flag, so Fooocus Flow inverts the mask pixels before sending.',
        'FooocusAPI 会忽略自身的反转选项，因此 Fooocus Flow 在发送前自行反转蒙版像素。',
      ),
    }),
    width: field(knownSize, { label: t('Width (px)', '宽度（像素）'), group: 'advanced' }),
    height: field(knownSize, { label: t('Height (px)', '高度（像素）'), group: 'advanced' }),
  }),
  inlineFields: ['image', 'invert'],
} as const satisfies NodeKind;
