/** Captions of a finished run's images: which step of the graph made each one. */
import { resultSteps, type ResultSteps } from '../../compiler/result-steps.ts';
import type { EditorRunMeta } from './run-journal-idb.ts';

/** "Enhance region #1: face or Enhance region #2: mouse", for an image whose step is not certain. */
export function eitherOf(
  steps: { label: { en: string; zh: string } }[],
): { en: string; zh: string } | undefined {
  if (!steps.length) return undefined;
  return {
    en: steps.map((s) => s.label.en).join(' or '),
    zh: steps.map((s) => s.label.zh).join(' 或 '),
  };
}

/** The steps of a finished run's images, from the plan recorded with it. */
export function captionResults(count: number, meta: EditorRunMeta): ResultSteps | null {
  try {
    const request = JSON.parse(meta.requestJson) as { image_number?: unknown };
    const plan = { stages: meta.stages, images: { count: meta.expected.count, min: meta.expected.min } };
    return resultSteps(count, plan, meta.workflow, Number(request.image_number ?? 1) || 1);
  } catch {
    return null;
  }
}
