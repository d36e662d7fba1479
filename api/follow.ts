/**
 * Follow an async task by polling `GET /tasks/{id}` until it reaches a final state (contract §5.5):
 * stub "pending" → DB row with status null (queued) → in-memory "running" record with a preview →
 * DB row "finished" / "stop". The server reads worker updates every 0.2 s, so polling faster than
 * that only adds load.
 */
import { deadline, sleep } from './deadline.ts';
import { FooocusApiError, messages } from './errors.ts';
import { abortOrNetwork, requestJson, type HttpContext } from './http.ts';
import { isFinalRecord, progressFromRecord, type ProgressListener } from './progress.ts';
import { parseReply, taskRecordSchema, type TaskRecord } from './schemas.ts';
import { TASKS_PATH } from './urls.ts';

export interface FollowOptions {
  onProgress?: ProgressListener | undefined;
  signal?: AbortSignal | undefined;
  /** Pause between polls; default 250 ms. */
  intervalMs?: number | undefined;
  /** Give up after this long (whole follow); default: no limit. */
  timeoutMs?: number | undefined;
  /**
   * How many `[]` answers in a row to accept before "unknown task": right after submitting, a
   * server may not have stored the row yet. Default 8.
   */
  unknownGrace?: number | undefined;
}

export async function getTask(
  ctx: HttpContext,
  taskId: string,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<TaskRecord | null> {
  const what = `GET /tasks/${taskId}`;
  const reply = await requestJson(ctx, {
    method: 'GET',
    path: `${TASKS_PATH}/${encodeURIComponent(taskId)}`,
    what,
    signal,
    timeoutMs,
  });
  // An unknown id gives 200 `[]`, not a 404 (contract §6.1).
  if (Array.isArray(reply) && reply.length === 0) return null;
  return parseReply(taskRecordSchema, reply, what);
}

export interface FollowOutcome {
  record: TaskRecord;
  /** Client time when the final record arrived. */
  receivedAt: number;
}

export async function followTask(
  ctx: HttpContext,
  taskId: string,
  opts: FollowOptions = {},
): Promise<FollowOutcome> {
  const interval = opts.intervalMs ?? 250;
  const grace = opts.unknownGrace ?? 8;
  const limit = deadline(opts.signal, opts.timeoutMs);
  const call = { method: 'GET' as const, path: `${TASKS_PATH}/${taskId}`, what: `following task ${taskId}` };
  let unknownInARow = 0;
  let lastShown = '';
  try {
    for (;;) {
      // Each poll gets the context's per-request limit; the follow's own limit cuts across both.
      const record = await getTask(ctx, taskId, limit.signal).catch((e: unknown) => {
        throw abortOrNetwork(ctx, { ...call, timeoutMs: opts.timeoutMs }, limit, e);
      });
      if (record === null) {
        if (++unknownInARow > grace) {
          throw new FooocusApiError({ kind: 'unknown-task', ...messages.unknownTask(taskId) });
        }
      } else {
        unknownInARow = 0;
        if (isFinalRecord(record)) return { record, receivedAt: Date.now() };
        const progress = progressFromRecord(record);
        // Report each change once: unchanged polls would only redraw the same bar.
        const key = `${progress.progress}|${progress.message}|${progress.preview?.length ?? 0}`;
        if (key !== lastShown) {
          lastShown = key;
          opts.onProgress?.(progress);
        }
      }
      await sleep(interval, limit.signal).catch((e: unknown) => {
        throw abortOrNetwork(ctx, { ...call, timeoutMs: opts.timeoutMs }, limit, e);
      });
    }
  } finally {
    limit.dispose();
  }
}
