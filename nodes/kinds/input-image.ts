import * as z from '../../contract/zod-mini.ts';
import { assetHashOf } from '../assets.ts';
import { field, t } from '../field.ts';
import type { NodeKind } from '../types.ts';

/**
 * An uploaded image as an asset reference (`asset:<sha256>`, its bytes in an asset store), or an
 * http(s) URL the FooocusAPI server can fetch itself (G-27).
 *
 * An inline `data:image/...` URL is still read, for documents made before version 2 that have not
 * gone through `openWorkflow*` yet (e.g. an editor draft): files turn them into assets on open
 * (`internInlineImages`) and never store them. Remove once no producer writes data URLs.
 */
export const imageRef = z
  .string()
  .check(
    z.refine(
      (s) => s === '' || assetHashOf(s) !== null || s.startsWith('data:image/') || /^https?:\/\//.test(s),
      { message: 'must be an asset reference (asset:<sha256>) or an http(s) URL' },
    ),
  );

/** Pixel size when known (decoded by `prepare`, or read when the file was picked). */
export const knownSize = z._default(z.nullable(z.int().check(z.positive())), null);

export const inputImage = {
  kind: 'inputImage',
  version: 1,
  role: 'source',
  title: t('Input Image', '输入图像'),
  description: t(
    'An image you upload or a URL the FooocusAPI server can download. Starts a chain or feeds an Image Prompt or a Mask.',
    '上传的图像或 FooocusAPI 服务器可下载的网址。可作为处理链的起点，或提供给图像提示、蒙版节点。',
  ),
  inputs: [],
  outputs: [{ id: 'image', type: 'image', label: t('Image', '图像') }],
  params: z.object({
    image: field(z._default(imageRef, ''), {
      label: t('Image', '图像'),
      help: t(
        'Pick a file, drop one on the canvas, paste one, or give a URL reachable from the FooocusAPI server.',
        '选择文件、拖到画布上、粘贴，或填写 FooocusAPI 服务器能访问的网址。',
      ),
      widget: 'image',
    }),
    width: field(knownSize, { label: t('Width (px)', '宽度（像素）'), group: 'advanced' }),
    height: field(knownSize, { label: t('Height (px)', '高度（像素）'), group: 'advanced' }),
  }),
  inlineFields: ['image'],
} as const satisfies NodeKind;
