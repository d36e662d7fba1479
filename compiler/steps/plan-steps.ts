/**
 * The plan of a graph run as steps: every step's stages in order, the images counted through all
 * steps and the sizes each step predicts. Step 1 makes N images (its main pass ×N); each of its
 * final images then runs alone through every later step, so later steps run N times.
 */
import { t } from '../../nodes/field.ts';
import type { CompiledStep, Plan, Size } from '../types.ts';

/**
 * How many images continue out of one run of a step: one per seed of its main pass (image_number;
 * one for an enhance-only run or an upscale that returns at once).
 */
export function continuingPerRun(step: Pick<CompiledStep, 'request' | 'plan'>): number {
  const { plan } = step;
  if (plan.mode === 'enhance') return 1;
  const enhance = plan.stages.some((s) => s.stage === 'enhance');
  return enhance ? Math.max(1, Number(step.request.image_number ?? 1)) : Math.max(1, plan.images.count);
}

export function planThroughSteps(steps: CompiledStep[], finalOnly: boolean): Plan {
  const runs = [1, ...steps.slice(1).map(() => continuingPerRun(steps[0]!))];
  const stages = steps.flatMap((s, i) =>
    s.plan.stages.map((st) => ({
      ...st,
      label: t(`Step ${i + 1}: ${st.label.en}`, `第 ${i + 1} 步：${st.label.zh}`),
    })),
  );
  const sizes: Record<string, Size | null> = Object.create(null);
  for (const s of steps) Object.assign(sizes, s.plan.sizes);
  const last = steps[steps.length - 1]!.plan;
  let count = 0;
  let min = 0;
  if (finalOnly) {
    count = runs[runs.length - 1]! * last.images.count;
    min = runs[runs.length - 1]! * last.images.min;
  } else {
    steps.forEach((s, i) => {
      count += runs[i]! * s.plan.images.count;
      min += runs[i]! * s.plan.images.min;
    });
  }
  const caveat = steps.some((s) => s.plan.images.caveat)
    ? t(
        `Up to ${count}: a region whose detection finds nothing is skipped and gives no image.`,
        `最多 ${count} 张：检测不到内容的区域会被跳过，不产生图像。`,
      )
    : undefined;
  const range = min === count ? `${count}` : `${min}–${count}`;
  const summary = t(
    `Runs as ${steps.length} requests, each step's result going into the next. ${steps
      .map((s, i) => `Step ${i + 1}: ${s.plan.summary.en}`)
      .join(
        ' ',
      )} In all, expect ${range} image${count === 1 ? '' : 's'}${finalOnly ? ' (final images only)' : ''}.`,
    `分 ${steps.length} 个请求运行，每一步的结果作为下一步的输入。${steps
      .map((s, i) => `第 ${i + 1} 步：${s.plan.summary.zh}`)
      .join('')}总计预计 ${range} 张图${finalOnly ? '（仅最终图像）' : ''}。`,
  );
  return { mode: steps[0]!.plan.mode, stages, images: { count, min, caveat }, sizes, summary };
}
