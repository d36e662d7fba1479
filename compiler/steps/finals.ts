/**
 * Which result images of one run of a step go on to the next step: the final image of each seed.
 * FooocusAPI lists a run's images main pass first (one per seed), then each seed's enhance-stage
 * images in order (fooocus-semantics §2.3), so a seed's final image is the last of its group.
 */
import type { CompiledStep } from '../types.ts';
import { continuingPerRun } from './plan-steps.ts';

export function finalImagesOf<T>(images: readonly T[], step: Pick<CompiledStep, 'request' | 'plan'>): T[] {
  if (images.length === 0) return [];
  const n = continuingPerRun(step);
  const enhance = step.plan.stages.some((s) => s.stage === 'enhance');
  if (step.request.save_final_enhanced_image_only === true || !enhance) return images.slice(-n);
  if (step.plan.mode === 'enhance' || n === 1) return [images[images.length - 1]!];
  // N main-pass images, then N groups of the same size (exact when no region was skipped).
  const group = (images.length - n) / n;
  if (Number.isInteger(group) && group > 0) {
    return Array.from({ length: n }, (_, i) => images[n + (i + 1) * group - 1]!);
  }
  // A skipped region made the groups uneven: which image ends which group is not knowable.
  return images.slice(-n);
}
