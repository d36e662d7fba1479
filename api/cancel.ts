/**
 * Stopping a task the caller gave up on. A client that disconnects does not cancel anything on
 * FooocusAPI (contract §5.8): the GPU keeps working. `POST /v1/engine/control?action=stop` stops
 * whatever task is running, so it is only sent once the running task is known to be ours: its
 * task id, or (streams carry no id) its seed and prompt in `req_params`. A queued task cannot be
 * removed at all; the server only acts on the running one, and only after its first progress
 * update (§6.2), so a task that is about to start is waited for briefly. The API has no "stop task
 * X": if ours ends in the moment between the look and the stop, the next task would be hit; the
 * window is one round trip.
 */
import { sleep } from './deadline.ts';
import { isFinalRecord } from './progress.ts';
import type { TaskList, TaskRecord } from './schemas.ts';

/** Which task is ours. With no task id, a request with a fixed seed (not -1) is needed. */
export interface CancelTarget {
  taskId?: string | undefined;
  request?: { image_seed?: number | undefined; prompt?: string | undefined } | undefined;
}

export interface CancelOptions {
  /** How long to wait for a queued (or just picked) task to start running; default 10 s. */
  waitMs?: number | undefined;
  /** How long to wait, after `stop`, for the task to end as "stop"; default 5 s. */
  confirmMs?: number | undefined;
  /** Pause between looks; default 200 ms (the server reads worker updates every 0.2 s). */
  intervalMs?: number | undefined;
  /** How long a task that is nowhere on the server is looked for (its request may still be arriving); default 1 s. */
  notFoundMs?: number | undefined;
}

export type CancelOutcome =
  /** `stop` was sent while our task was running; `task` is its final record when seen in time. */
  | { state: 'stopped'; taskId: string; task: TaskRecord | null }
  /** Our task had already ended (finished or stopped): nothing to stop. */
  | { state: 'ended'; taskId: string; task: TaskRecord }
  /** Still waiting in the queue after `waitMs`: FooocusAPI cannot remove it, it will run later. */
  | { state: 'queued'; taskId: string }
  /** Our task is not on the server (never arrived), or cannot be told apart (random seed). */
  | { state: 'not-found' };

export interface CancelDeps {
  listTasks(query: { query: 'current' | 'all'; pageSize: number }): Promise<TaskList>;
  getTask(taskId: string): Promise<TaskRecord | null>;
  stop(): Promise<string>;
}

/** True when the record is the caller's task: same id, else same seed and prompt. */
export function isOurTask(record: TaskRecord, target: CancelTarget): boolean {
  if (target.taskId) return record.task_id === target.taskId;
  const seed = target.request?.image_seed;
  if (seed === undefined || seed < 0) return false;
  const params = record.req_params ?? {};
  if (Number(params['image_seed']) !== seed) return false;
  const prompt = target.request?.prompt;
  return prompt === undefined || params['prompt'] === undefined || params['prompt'] === prompt;
}

export async function cancelTask(
  deps: CancelDeps,
  target: CancelTarget,
  opts: CancelOptions = {},
): Promise<CancelOutcome> {
  const interval = opts.intervalMs ?? 200;
  const started = Date.now();
  const until = started + (opts.waitMs ?? 10_000);
  const notFoundUntil = started + Math.min(opts.notFoundMs ?? 1_000, opts.waitMs ?? 10_000);
  if (!target.taskId && (target.request?.image_seed ?? -1) < 0) return { state: 'not-found' };
  for (;;) {
    const running = (await deps.listTasks({ query: 'current', pageSize: 1 })).current[0];
    if (running && isOurTask(running, target)) {
      await deps.stop();
      return {
        state: 'stopped',
        taskId: running.task_id,
        task: await waitForEnd(deps, running.task_id, opts),
      };
    }
    const record = await findRecord(deps, target);
    if (record && isFinalRecord(record)) return { state: 'ended', taskId: record.task_id, task: record };
    if (!record && Date.now() >= notFoundUntil) return { state: 'not-found' };
    if (record && Date.now() >= until) return { state: 'queued', taskId: record.task_id };
    await sleep(interval);
  }
}

/** Our record wherever it is: by id, else among the newest history (the running task's row is there too) and pending. */
async function findRecord(deps: CancelDeps, target: CancelTarget): Promise<TaskRecord | null> {
  if (target.taskId) {
    const record = await deps.getTask(target.taskId);
    // The async stub ("pending") is what a just-submitted task answers before its row exists.
    return record;
  }
  const list = await deps.listTasks({ query: 'all', pageSize: 20 });
  return [...list.history, ...list.pending].find((r) => isOurTask(r, target)) ?? null;
}

async function waitForEnd(deps: CancelDeps, taskId: string, opts: CancelOptions): Promise<TaskRecord | null> {
  const until = Date.now() + (opts.confirmMs ?? 5_000);
  for (;;) {
    const record = await deps.getTask(taskId);
    if (record && isFinalRecord(record)) return record;
    if (Date.now() >= until) return null;
    await sleep(Math.min(opts.intervalMs ?? 200, 100));
  }
}
