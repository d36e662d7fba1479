/**
 * What a run hands back, and the checks FooocusAPI leaves to the client: it has no failed state,
 * so "finished" with no images is the only sign of a worker crash (contract §5.5).
 */
import { FooocusApiError, messages } from './errors.ts';
import type { TaskRecord } from './schemas.ts';

export interface ResultImage {
  /** Re-based onto the configured server, ready to fetch. */
  url: string;
  /** 0-based position in the task's result list. */
  index: number;
}

export interface RunResult {
  /** The final task record; null when it could not be found (stream mode keeps no task id). */
  task: TaskRecord | null;
  images: ResultImage[];
  /** Non-fatal problems, e.g. `short-result`. */
  warnings: FooocusApiError[];
  /** Client time (ms since epoch) when the final reply arrived, before any follow-up request. */
  receivedAt: number;
}

/** A plan's prediction: a plain count, or the compiler's `{ count, min }` (min < count when regions may be skipped). */
export type ExpectedImages = number | { count: number; min?: number | undefined };

export function toResultImages(urls: readonly string[], rebase: (url: string) => string): ResultImage[] {
  return urls.map((url, index) => ({ url: rebase(url), index }));
}

/** Throw `empty-result` for no images; return a `short-result` warning below the expected minimum. */
export function checkImageCount(
  images: ResultImage[],
  expected: ExpectedImages | undefined,
  task: TaskRecord | null,
): FooocusApiError[] {
  if (images.length === 0) {
    throw new FooocusApiError({ kind: 'empty-result', ...messages.emptyResult(), task, images });
  }
  if (expected === undefined) return [];
  const min = typeof expected === 'number' ? expected : (expected.min ?? expected.count);
  if (images.length >= min) return [];
  const count = typeof expected === 'number' ? expected : expected.count;
  const text = min === count ? String(count) : `at least ${min} (up to ${count})`;
  return [
    new FooocusApiError({ kind: 'short-result', ...messages.shortResult(images.length, text), task, images }),
  ];
}
