/**
 * The coroutine that drains one task's worker updates (FooocusAPI `call_worker.py`, runtime doc §1–3).
 * Every tick (0.2 s upstream) it reads ONE update; a preview followed by another queued preview is
 * dropped, so progress lags behind a fast worker. The first update it sees makes its task "current"
 * (one global, overwritten by whichever drainer starts last); the `finish` update clears "current"
 * and finalises the row through post_worker. Only the drainer finalises: a cancelled drainer (a
 * dropped stream, a killed engine) leaves the row null forever.
 *
 * Modes differ as upstream: `background` (async and sync replies) skips progress writes while
 * "current" is empty; `stream` and `binary` write into it unguarded, which raises when another task's
 * finish cleared it — that drainer then dies (DrainBroken) and its task is never recorded.
 */
import { PyFloat } from './pyjson.ts';
import { postWorker } from './post-worker.ts';
import type { HistoryRow } from './history.ts';
import type { SimState } from './state.ts';
import type { PreviewUpdate, TaskEntry } from './tasks.ts';
import { DrainCancelled, type DrainerToken } from './ticker.ts';

export { DrainCancelled } from './ticker.ts';

export type DrainMode = 'background' | 'stream' | 'binary';

/** A progress write into an empty `CurrentTask.ct`: upstream's AttributeError on None. */
export class DrainBroken extends Error {}

export interface DrainHooks {
  /** Cancels the drain at its next wait. */
  signal?: AbortSignal;
  /** A progress update that survived the preview dropping (stream: one SSE event). */
  onProgress?: (update: PreviewUpdate) => void;
  /** Stream only: after post_worker, before "current" is cleared (the final SSE event). */
  onFinish?: (row: HistoryRow | undefined) => void;
}

/** Waits for the worker's next update instead of polling an empty queue every tick. */
function nextYield(entry: TaskEntry, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DrainCancelled(String(signal.reason)));
    const onYield = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      entry.events.off('yield', onYield);
      reject(new DrainCancelled(String(signal.reason)));
    };
    entry.events.once('yield', onYield);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Drains `entry` until its finish update; resolves with the finalised row (undefined if it was deleted). */
export async function drainTask(
  sim: SimState,
  entry: TaskEntry,
  mode: DrainMode,
  hooks: DrainHooks = {},
): Promise<HistoryRow | undefined> {
  const signal = hooks.signal ? AbortSignal.any([sim.signal, hooks.signal]) : sim.signal;
  const me = {};
  sim.draining.add(entry.taskId);
  try {
    return await drain(sim, entry, mode, hooks, signal, me);
  } finally {
    sim.draining.delete(entry.taskId);
    sim.ticker.rest(me);
  }
}

async function drain(
  sim: SimState,
  entry: TaskEntry,
  mode: DrainMode,
  hooks: DrainHooks,
  signal: AbortSignal,
  me: DrainerToken,
): Promise<HistoryRow | undefined> {
  let startedAt: number | null = null;
  for (;;) {
    await sim.ticker.wait(me, signal);
    if (entry.yields.length === 0) {
      sim.ticker.rest(me);
      await nextYield(entry, signal);
      continue;
    }
    if (startedAt === null) {
      startedAt = Date.now();
      sim.current.ct = { entry, startMills: startedAt, progress: new PyFloat(0), preview: '' };
    }
    const update = entry.yields.shift()!;
    if (update.flag === 'preview') {
      if (mode === 'background' && !sim.current.ct) continue;
      if (entry.yields[0]?.flag === 'preview') continue; // only the last of queued previews is used
      const ct = sim.current.ct;
      if (!ct) throw new DrainBroken(`task ${entry.taskId}: CurrentTask.ct is None`);
      // Written into whatever is current, which may be another task's record.
      ct.progress = update.progress;
      ct.preview = update.preview;
      hooks.onProgress?.(update);
    } else if (update.flag === 'finish') {
      if (mode !== 'stream') sim.current.ct = null;
      const row = await postWorker(sim, entry, startedAt);
      if (mode === 'stream') {
        hooks.onFinish?.(row);
        sim.current.ct = null;
      }
      return row;
    }
  }
}
