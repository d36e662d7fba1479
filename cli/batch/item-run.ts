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
 * replaces them (the job then carries the compiled steps), and nothing else in the batch changes.
 */
import type { FooocusClient } from '../../api/client.ts';
import type { FooocusApiError } from '../../api/errors.ts';
import type { RunJournalEntry } from '../../api/run-journal.ts';
import type { TrackedRunOptions } from '../../api/tracked-run.ts';
import { inlineRequestImages } from '../../compiler/assets/inline-request.ts';
import { MemoryAssetStore, firstOf } from '../../compiler/assets/memory-store.ts';
import { compile } from '../../compiler/compile.ts';
import { applyExposed } from '../../compiler/exposed.ts';
import { prepareImages, withPrepareDiagnostics } from '../../compiler/prepare/index.ts';
import { nodeImageAdapter } from '../node-image-adapter.ts';
import { assetRef, type AssetMeta } from '../../nodes/assets.ts';
import { inputFileAsset, type OpenedWorkflow } from '../assets.ts';
import type { BatchItem } from './items.ts';
import { ItemFailure, type ItemJob, type ItemResult, type Lease, type StoredEntry } from './queue.ts';

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
  if (applied.errors.length > 0) throw new Error(applied.errors.join('; '));
  const reader = firstOf(own, opened.reader);
  const prepared = await prepareImages(applied.workflow, nodeImageAdapter, reader);
  const compiled = withPrepareDiagnostics(
    compile(applied.workflow, { seed: item.seed, images: prepared.images }),
    prepared.diagnostics,
  );
  if (!compiled.ok) {
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
    throw new Error(`the workflow has errors for this item: ${errors.map((d) => d.message.en).join('; ')}`);
  }
  return {
    itemId: item.id,
    label: item.label,
    request: await inlineRequestImages(compiled.request, reader),
    expected: { count: compiled.plan.images.count, min: compiled.plan.images.min },
  };
}

export interface RunItemParams {
  lease: Lease;
  /** The worker's own server. */
  client: FooocusClient;
  /** A client for another server: an earlier attempt's task is followed where it was sent. */
  clientFor(baseUrl: string): FooocusClient;
  worker: string;
  /** Stop the task on the server (confirmed), then give the item back. */
  signal: AbortSignal;
  /** Leave the task running and give up following it (a second Ctrl+C). */
  detach?: AbortSignal | undefined;
  tracked: Partial<TrackedRunOptions>;
}

/** Failures that say the server is unwell rather than the item wrong. */
function isServerTrouble(e: FooocusApiError): boolean {
  return (
    e.kind === 'network' ||
    e.kind === 'timeout' ||
    e.kind === 'server' ||
    e.kind === 'forbidden' ||
    e.kind === 'lost-task' ||
    e.kind === 'server-gone' ||
    e.kind === 'bad-reply'
  );
}

/**
 * The entry kept with the item: without the request (the job has it) and without the final record's
 * `req_params` (the server's copy of the request, images and all): a manifest or a Redis job stays
 * small while still saying everything a resume needs.
 */
function strip({ request: _request, ...rest }: RunJournalEntry): StoredEntry {
  if (!rest.final) return rest;
  const { req_params: _params, ...final } = rest.final;
  return { ...rest, final: final as typeof rest.final };
}

export async function runCompiledItem(p: RunItemParams): Promise<ItemResult> {
  const { lease } = p;
  const { job } = lease;
  const previous = lease.entry;
  const report = (phase: string, progress: number, taskId?: string) =>
    void lease
      .report({
        type: 'running',
        itemId: job.itemId,
        worker: p.worker,
        server: client.baseUrl,
        taskId,
        phase,
        progress,
      })
      .catch(() => undefined);
  // An earlier attempt's task is followed on ITS server: sending again elsewhere could run it twice.
  const resume = previous !== undefined && previous.state !== 'failed';
  const client = resume ? p.clientFor(previous.baseUrl) : p.client;
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
      throw new ItemFailure(kind, `${outcome.error.kind}: ${outcome.error.message}`);
    }
  }
}
