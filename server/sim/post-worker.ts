/**
 * FooocusAPI's `post_worker`: the only place a task's history row is finalised. It renames the
 * outputs for `save_name`, writes status, times and result URLs, and fires the webhook. Only the
 * drainer of the task calls it (runtime doc §1–2); a task nobody drains keeps its null row.
 */
import { renameOutput, usableSaveName, type SavedOutput } from './outputs.ts';
import { dumpPyJson } from './pyjson.ts';
import { isLoopbackHost } from './images.ts';
import type { SimState } from './state.ts';
import { finalRecord, type TaskEntry } from './tasks.ts';
import type { HistoryRow } from './history.ts';

/** Webhook (§5.6): the record JSON, encoded a second time as a JSON string. Loopback unless allowed. */
async function fireWebhook(url: string, row: HistoryRow, allowRemote: boolean): Promise<void> {
  if (!url) return;
  try {
    const target = new URL(url);
    if (!allowRemote && !isLoopbackHost(target.hostname)) return;
    await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: dumpPyJson(dumpPyJson(finalRecord(row))),
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    // errors are only logged upstream
  }
}

/** Resolves with the finalised row, or undefined when the row was deleted meanwhile (upstream prints the error). */
export async function postWorker(
  sim: SimState,
  entry: TaskEntry,
  startedAt: number,
): Promise<HistoryRow | undefined> {
  const stem = usableSaveName(entry.prepared.request.save_name);
  const renamed: SavedOutput[] = [];
  for (let i = 0; i < entry.outputs.length; i++)
    renamed.push(stem ? await renameOutput(entry.outputs[i]!, stem, i) : entry.outputs[i]!);
  entry.outputs = renamed;
  const status = entry.control.stop ? 'stop' : entry.control.skip ? 'skip' : 'finished';
  const row = sim.history.finalise(entry.taskId, {
    start_mills: startedAt,
    finish_mills: Date.now(),
    task_status: status,
    result: renamed.map((s) => `${sim.baseUrl}/outputs/${s.relative}`),
  });
  if (row) void fireWebhook(row.webhook_url, row, sim.fetchPolicy.allowRemote);
  return row;
}
