import type { FieldInfo } from '../lib/schema-fields.ts';
import type { LocalText } from '../../nodes/types.ts';

/**
 * Chinese for the choices whose nodes give no label of their own (the request's words, kept as the
 * values). File formats, model and engine names (png, v2.6, vit_b, u2net, PyraCanny…) are names,
 * the same in every language, and are shown as they are.
 */
const CHOICES: Record<string, LocalText> = {
  Quality: { en: 'Quality', zh: '质量' },
  Speed: { en: 'Speed', zh: '速度' },
  'Extreme Speed': { en: 'Extreme Speed', zh: '极速' },
  Lightning: { en: 'Lightning', zh: '闪电（Lightning）' },
  joint: { en: 'joint', zh: '联合（joint）' },
  separate: { en: 'separate', zh: '分离（separate）' },
  ImagePrompt: { en: 'ImagePrompt', zh: '图像提示（ImagePrompt）' },
  FaceSwap: { en: 'FaceSwap', zh: '换脸（FaceSwap）' },
  'Original Prompts': { en: 'Original Prompts', zh: '原始提示词' },
  'Last Filled Enhancement Prompts': { en: 'Last Filled Enhancement Prompts', zh: '最后填写的增强提示词' },
  None: { en: 'None', zh: '无' },
  Left: { en: 'Left', zh: '左' },
  Right: { en: 'Right', zh: '右' },
  Top: { en: 'Top', zh: '上' },
  Bottom: { en: 'Bottom', zh: '下' },
  full: { en: 'full', zh: '全身' },
  upper: { en: 'upper', zh: '上身' },
  lower: { en: 'lower', zh: '下身' },
};

/** Every choice label this file adds, for the test that looks for English left in the Chinese UI. */
export const EXTRA_CHOICE_LABELS: readonly LocalText[] = Object.values(CHOICES);

/** How a choice is shown: the node's own label for it, else the words above, else the value itself. */
export function choiceLabel(info: FieldInfo, value: string, l: (s: LocalText | undefined) => string): string {
  const own = info.meta?.choiceLabels?.[value] ?? info.element?.meta?.choiceLabels?.[value];
  if (own) return l(own);
  const known = CHOICES[value];
  return known ? l(known) : value;
}
