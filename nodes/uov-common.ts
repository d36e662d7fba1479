import * as z from '../contract/zod-mini.ts';
import { ENHANCE_UOV_PROMPT_TYPES } from '../contract/enums.ts';
import { field, t } from './field.ts';

/**
 * Vary and Upscale can run in the main pass (once per generated image, `uov_*` fields) or in the
 * enhance stage (once, before the first or after the last region, `enhance_uov_*` fields).
 * "auto" lets the compiler choose from the chain's shape (fooocus-semantics §5.4).
 */
export const runInParam = field(z._default(z.enum(['auto', 'main', 'enhance']), 'auto'), {
  label: t('Run in', '运行阶段'),
  help: t(
    'Main pass: runs on the input image and yields image_number results. Enhance stage: runs once, before the first or after the last Enhance Region. Auto picks from the chain.',
    '主流程：作用于输入图像，生成 image_number 张结果。增强阶段：只运行一次，位于第一个增强区域之前或最后一个之后。自动：按处理链选择。',
  ),
  choiceLabels: {
    auto: t('Auto', '自动'),
    main: t('Main pass', '主流程'),
    enhance: t('Enhance stage', '增强阶段'),
  },
});

export const enhancePromptTypeParam = field(
  z._default(z.enum(ENHANCE_UOV_PROMPT_TYPES), 'Original Prompts'),
  {
    label: t('Prompt (enhance stage, after regions)', '提示词（增强阶段，区域之后）'),
    help: t(
      'Only used when this step runs after the last Enhance Region: the main prompt, or the prompt of the last region that ran.',
      '仅当此步骤在最后一个增强区域之后运行时使用：主提示词，或最后运行的区域的提示词。',
    ),
    group: 'advanced',
  },
);

/** Denoise override; -1 keeps Fooocus's built-in value. Shared by main and enhance-stage steps (G-14). */
export function strengthParam(builtIn: string) {
  return field(z._default(z.number().check(z.minimum(-1), z.maximum(1)), -1), {
    label: t('Strength (denoise)', '强度（去噪）'),
    help: t(
      `-1 keeps Fooocus's built-in ${builtIn}. Values above 0 override it for every Vary/Upscale step of the request.`,
      `-1 表示使用 Fooocus 内置的 ${builtIn}。大于 0 时会覆盖本请求中所有同类步骤。`,
    ),
    widget: 'slider',
    step: 0.01,
  });
}
