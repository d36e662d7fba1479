/**
 * One item of a batch, in the two halves that may run on different machines:
 *
 * - `compileItem` (coordinator): bind the item's values to the workflow's exposed parameters,
 *   prepare its images, compile, inline the images → an `ItemJob` (one FooocusAPI request);
 * - `runCompiledItem` (worker): send it through the tracked run (api/tracked-run.ts) — journal
 *   before the POST, search before any resubmit, polling with backoff, Stop confirmed — or pick up
 *   the task an earlier attempt already submitted, and turn the outcome into a result or an
 *   `ItemFailure` the queue understands.
 *
 * These two functions are the only place that knows an item is one request: a multi-step pipeline
 * (the job then carries the compiled steps) runs through item-steps.ts instead, and nothing else in
 * the batch changes.
 */
import type { RunJournalEntry } from '../../api/run-journal.ts';
import type { TrackedRunOptions } from '../../api/tracked-run.ts';
import { inlineRequestImages } from '../../compiler/assets/inline-request.ts';
import { MemoryAssetStore, firstOf } from '../../compiler/assets/memory-store.ts';
import { compile } from '../../compiler/compile.ts';
import { applyExposed } from '../../compiler/exposed.ts';
import { prepareImages, withPrepareDiagnostics } from '../../compiler/prepare/index.ts';
import { nodeImageAdapter } from '../node-image-adapter.ts';
import { assetRef, type AssetMeta } from '../../nodes/assets.ts';
import { inputFileAsset, type OpenedWorkflow } from '../assets/open-workflow.ts';
import type { BatchItem } from './items.ts';
import { runPipelineItem } from './item-steps.ts';
import { isServerTrouble, itemReporter, strip, type RunItemParams } from './item-common.ts';
import { ItemProblemError } from './item-problem.ts';
import { ItemFailure, type ItemJob, type ItemResult } from './queue.ts';

/** Compiles one item; a problem of this item (unreadable image, a value that does not fit, graph errors) throws with its reason. */
export async function compileItem(opened: OpenedWorkflow, item: BatchItem): Promise<ItemJob> {
  const own = new MemoryAssetStore();
  const inputs: Record<string, string> = {};
  const assets: Record<string, AssetMeta> = {};
  for (const [name, path] of Object.entries(item.inputs)) {
    const meta = await inputFileAsset(name, path, own);
    inputs[name] = assetRef(meta.hash);
    assets[meta.hash] = meta;
  }
  const applied = applyExposed(opened.workflow, { set: item.set, inputs, assets });
  if (applied.errors.length > 0)
    throw new ItemProblemError(applied.errors.join('; '), {
      code: 'values-rejected',
      message: applied.errors.join('; ').slice(0, 2000),
    });
  const reader = firstOf(own, opened.reader);
  const prepared = await prepareImages(applied.workflow, nodeImageAdapter, reader);
  const compiled = withPrepareDiagnostics(
    compile(applied.workflow, { seed: item.seed, images: prepared.images }),
    prepared.diagnostics,
  );
  if (!compiled.ok) {
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    throw new ItemProblemError(
      `the workflow has errors for this item: ${errors.map((d) => d.message.en).join('; ')}`,
      { code: 'workflow-errors', texts: errors.slice(0, 20).map((d) => d.message) },
    );
  }
  const steps =
    compiled.steps.length > 1
      ? await Promise.all(
          compiled.steps.map(async (s) => ({ ...s, request: await inlineRequestImages(s.request, reader) })),
        )
      : undefined;
  return {
    itemId: item.id,
    label: item.label,
    request: steps ? steps[0]!.request : await inlineRequestImages(compiled.request, reader),
    expected: { count: compiled.plan.images.count, min: compiled.plan.images.min },
    steps,
  };
}

export type { RunItemParams };

export async function runCompiledItem(p: RunItemParams): Promise<ItemResult> {
  if (p.lease.job.steps) return runPipelineItem(p, p.lease.job.steps);
  const { lease } = p;
  const { job } = lease;
  const previous = lease.entry;
  // An earlier attempt's task is followed on ITS server: sending again elsewhere could run it twice.
  const resume = previous !== undefined && previous.state !== 'failed';
  const client = resume ? p.clientFor(previous.baseUrl) : p.client;
  const report = itemReporter(p, client);
  const options: TrackedRunOptions = {
    ...p.tracked,
    runId: job.itemId,
    journal: { save: (entry) => lease.saveEntry(strip(entry)) },
    signal: p.detach,
    expectedImages: job.expected,
    onTaskId: (taskId) => report('submitted', 0, taskId),
    onProgress: (e) => report(e.phase, e.progress, e.taskId),
  };
  const run = resume
    ? client.resumeRun({ ...previous, request: job.request } as RunJournalEntry, options)
    : client.startRun(job.request, options);
  const onAbort = () => run.stop();
  if (p.signal.aborted) onAbort();
  else p.signal.addEventListener('abort', onAbort, { once: true });
  let outcome;
  try {
    outcome = await run.done;
  } finally {
    p.signal.removeEventListener('abort', onAbort);
  }
  switch (outcome.kind) {
    case 'finished':
      // The journal's work is done: the result travels with the job's completion.
      return {
        taskId: outcome.taskId,
        baseUrl: client.baseUrl,
        images: outcome.images.map((i) => i.url),
        warnings: outcome.warnings.map((w) => w.message),
        worker: p.worker,
      };
    case 'stopped':
      await lease.saveEntry(undefined);
      throw new ItemFailure('stopped', `stopped task ${outcome.taskId} on ${client.baseUrl}`);
    case 'stop-unconfirmed':
    case 'detached':
      // The task may still run: the entry stays, so the next attempt follows it.
      throw new ItemFailure(
        'stopped',
        `left task ${outcome.taskId ?? '(not yet accepted)'} on ${client.baseUrl}`,
      );
    case 'server-gone':
      // Given up on that server; a later attempt sends the item afresh (at worst the old task also
      // finishes there one day: GPU time spent twice, never a result lost).
      await lease.saveEntry(undefined);
      throw new ItemFailure('server', outcome.error.message);
    case 'failed': {
      await lease.saveEntry(undefined);
      const kind = isServerTrouble(outcome.error) ? 'server' : 'item';
      throw new ItemFailure(kind, `${outcome.error.kind}: ${outcome.error.message}`, {
        code: 'engine-refused',
        message: outcome.error.message.slice(0, 2000),
      });
    }
  }
}
