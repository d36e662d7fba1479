import * as z from '../../contract/zod-mini.ts';
import { field, t } from '../field.ts';
import type { NodeKind } from '../types.ts';

/** A free text note on the canvas. The compiler ignores it. */
export const note = {
  kind: 'note',
  version: 1,
  role: 'output',
  title: t('Note', '备注'),
  description: t(
    'A note for people reading the workflow; not part of the request.',
    '给阅读工作流的人看的备注；不属于请求。',
  ),
  inputs: [],
  outputs: [],
  params: z.object({
    text: field(z._default(z.string().check(z.maxLength(20000)), ''), {
      label: t('Text', '文本'),
      widget: 'textarea',
    }),
  }),
  inlineFields: ['text'],
} as const satisfies NodeKind;
