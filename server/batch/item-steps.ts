/**
 * A batch item whose workflow compiles to several requests (compiler/steps): its steps run with
 * `runCompiledSteps` (api/run-steps.ts), the same pipeline runner as `fooocus-flow run` and the
 * editor, all on one server (each step's input is the previous step's result there).
 *
 * The runner's record (every request: step, chain, task id, journal entry, result URLs) is saved with
 * the item at every change, before each POST, so a killed batch, a stopped one or a retry carries on
 * at the right step: finished steps are never sent again and the step in flight is followed, on the
 * server that has it. Only the last step's images are the item's result.
 */
import type { StepRun, StepsOutcome } from '../../api/run-steps.ts';
import { runCompiledSteps } from '../../api/run-steps.ts';
import type { RunJournalEntry } from '../../api/run-journal.ts';
import type { CompiledStep } from '../../compiler/types.ts';
import { nodeImageAdapter } from '../node-image-adapter.ts';
import { isServerTrouble, itemReporter, strip, type RunItemParams } from './item-common.ts';
import { ItemFailure, type ItemResult, type StoredEntry, type StoredStepRun } from './queue.ts';

/** The record as the item keeps it: entries without their requests, the request in flight on top. */
function stored(runs: StepRun[]): StoredEntry | undefined {
  const steps: StoredStepRun[] = runs.map((r) => ({ ...r, entry: r.entry && strip(r.entry) }));
  const current = [...runs].reverse().find((r) => r.entry)?.entry;
  return current ? { ...strip(current), steps } : undefined;
}

/**
 * The runs an attempt can build on: finished ones, and ones whose task may be on the server (sent,
 * or being sent) — followed, never sent twice. Failed and stopped requests are sent afresh.
 */
function carriedOn(record: StoredStepRun[] | undefined): StoredStepRun[] {
  const live = new Set(['running', 'detached', 'stop-unconfirmed']);
  const out: StoredStepRun[] = [];
  for (const r of record ?? []) {
    if (r.state === 'finished') out.push(r);
    else if (live.has(r.state) && r.entry && r.entry.state !== 'failed' && r.entry.state !== 'stopped')
      out.push({ ...r, state: 'running' });
  }
  return out;
}

/** What is kept after a failure or a stop: the finished requests only (GPU time paid for). */
function finishedOnly(runs: StepRun[]): StoredEntry | undefined {
  const finished = runs.filter((r) => r.state === 'finished');
  return finished.length > 0 ? stored(finished) : undefined;
}

export async function runPipelineItem(p: RunItemParams, steps: CompiledStep[]): Promise<ItemResult> {
  const { lease } = p;
  const { job } = lease;
  const resume = carriedOn(lease.entry?.steps);
  // An earlier attempt's steps are carried on on ITS server: their results are there.
  const client = resume.length > 0 && lease.entry ? p.clientFor(lease.entry.baseUrl) : p.client;
  const report = itemReporter(p, client);
  const run = runCompiledSteps(client, steps, {
    ...p.tracked,
    runId: job.itemId,
    // The record below is the journal: it is saved (durably) before each POST.
    journal: { save: async () => undefined },
    resume: resume as StepRun[],
    images: nodeImageAdapter,
    keepIntermediate: false,
    signal: p.detach,
    onRecord: async (runs) => {
      const entry = stored(runs);
      if (entry) await lease.saveEntry(entry);
    },
    onTaskId: (taskId, r) => report(`step ${r.step + 1}/${steps.length} submitted`, 0, taskId),
    onProgress: (e) =>
      report(`step ${e.step + 1}/${e.steps} ${e.phase}`, (100 * e.step + e.progress) / e.steps, e.taskId),
  });
  const onAbort = () => run.stop();
  if (p.signal.aborted) onAbort();
  else p.signal.addEventListener('abort', onAbort, { once: true });
  let outcome: StepsOutcome;
  try {
    outcome = await run.done;
  } finally {
    p.signal.removeEventListener('abort', onAbort);
  }
  const where = `step ${outcome.step + 1} of ${steps.length}`;
  const taskOf = (r: StepRun) => r.taskId ?? (r.entry as RunJournalEntry | undefined)?.taskId;
  switch (outcome.kind) {
    case 'finished': {
      const last = outcome.runs.filter((r) => r.step === steps.length - 1);
      return {
        taskId: taskOf(last[0]!) ?? '',
        baseUrl: client.baseUrl,
        images: outcome.images.filter((i) => i.final).map((i) => i.url),
        warnings: outcome.warnings.map((w) => w.message),
        worker: p.worker,
        tasks: outcome.runs
          .filter((r) => taskOf(r))
          .map((r) => ({ step: r.step + 1, chain: r.chain + 1, taskId: taskOf(r)! })),
      };
    }
    case 'stopped':
      // Finished steps stay: the next attempt starts at the step that was stopped.
      await lease.saveEntry(finishedOnly(outcome.runs));
      throw new ItemFailure('stopped', `stopped in ${where} on ${client.baseUrl}`);
    case 'stop-unconfirmed':
    case 'detached':
      // The step's task may still run: the record stays as saved, so the next attempt follows it.
      throw new ItemFailure('stopped', `left ${where} running on ${client.baseUrl}`);
    case 'server-gone':
      // Given up on that server: its earlier steps' results are out of reach too; start afresh.
      await lease.saveEntry(undefined);
      throw new ItemFailure('server', `${where}: ${outcome.error?.message ?? 'the server is gone'}`);
    case 'failed': {
      const error = outcome.error;
      if (!error || isServerTrouble(error)) {
        await lease.saveEntry(undefined);
        throw new ItemFailure('server', `${where}: ${error?.kind ?? 'failed'}: ${error?.message ?? ''}`);
      }
      await lease.saveEntry(finishedOnly(outcome.runs));
      throw new ItemFailure('item', `${where}: ${error.kind}: ${error.message}`, {
        code: 'engine-refused',
        message: `${where}: ${error.message}`.slice(0, 2000),
      });
    }
  }
}
