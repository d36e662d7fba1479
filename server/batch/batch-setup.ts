/**
 * The batch's manifest before a run: a new one for a new output folder, or the one an earlier run
 * left there (checked: same workflow, same queue, same items), with `--retry-failed` putting the
 * failed items back. Shared by `fooocus-flow batch` and the app server's "Run as batch…".
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { checkOutDirFree } from '../file-io.ts';
import { buildItems, itemSeed, type BatchItem, type ItemSources } from './items.ts';
import { manifestStore, newManifest, readManifest, type ManifestItem } from './manifest.ts';

/** Why a batch cannot start: the caller's input (`badInput`), or something it depends on (`unavailable`). */
export class BatchError extends Error {
  constructor(
    readonly kind: 'badInput' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

export const workflowSha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface BatchSetup {
  out: string;
  workflow: import('../../nodes/graph.ts').Workflow;
  /** Recorded in the manifest: where the workflow came from. */
  workflowPath: string;
  workflowSha256: string;
  sources: ItemSources;
  /** `redis://…`, or undefined for the embedded queue. */
  queue: string | undefined;
  /** Put the failed items of an earlier run back (fresh attempts). */
  retryFailed?: boolean | undefined;
  say: (line: string) => void;
}

export type ManifestStore = ReturnType<typeof manifestStore>;

export async function prepareBatch(s: BatchSetup): Promise<{ store: ManifestStore; retried: string[] }> {
  const { out } = s;
  // --retry-failed alone: the items are the manifest's.
  const fromManifest =
    s.retryFailed === true && Object.keys(s.sources.inputs).length === 0 && s.sources.table === undefined;
  let items: BatchItem[] = [];
  try {
    if (!fromManifest) items = await buildItems(s.workflow, s.sources);
  } catch (e) {
    throw new BatchError('badInput', (e as Error).message);
  }
  const queueName = s.queue ?? 'embedded';
  let retried: string[] = [];
  let manifest = await readManifest(out).catch((e: Error) => {
    throw new BatchError('badInput', e.message);
  });
  if (!manifest && s.retryFailed)
    throw new BatchError(
      'badInput',
      `--retry-failed: ${out} holds no batch (no manifest.json); start one without --retry-failed`,
    );
  if (manifest) {
    if (manifest.workflow.sha256 !== s.workflowSha256)
      throw new BatchError(
        'badInput',
        `${out} holds a batch of another version of the workflow (${manifest.workflow.path}); choose another --out, or run that workflow`,
      );
    if (manifest.queue !== queueName)
      throw new BatchError(
        'badInput',
        `${out} holds a batch run with ${manifest.queue === 'embedded' ? 'the embedded queue' : `--queue ${manifest.queue}`}; run it again the same way`,
      );
    const ids = new Set(manifest.items.map((i) => i.id));
    const missing = items.filter((i) => !ids.has(i.id));
    if (!fromManifest && (missing.length > 0 || items.length !== manifest.items.length))
      throw new BatchError(
        'badInput',
        `The inputs changed since ${out} was started (${manifest.items.length} items there, ${items.length} now, ${missing.length} new); give the same --input/--table/--set, or choose another --out`,
      );
    s.say(`Continuing the batch in ${out} ...`);
    if (s.retryFailed) retried = retryFailedItems(manifest.items as ManifestItem[], s.say);
  } else {
    const busy = await checkOutDirFree(out);
    if (busy) throw new BatchError('badInput', busy);
    const batchSeed = Math.floor(Math.random() * 2 ** 48);
    manifest = newManifest({
      batchId: randomBytes(8).toString('hex'),
      workflow: { path: s.workflowPath, sha256: s.workflowSha256 },
      queue: queueName,
      batchSeed,
      items: items.map((i) => ({
        id: i.id,
        index: i.index,
        label: i.label,
        inputs: i.inputs,
        set: i.set,
        seed: itemSeed(batchSeed, i.id),
        state: 'queued' as const,
        itemFailures: 0,
      })),
    });
  }
  await mkdir(out, { recursive: true });
  const store = manifestStore(out, manifest);
  await store.save();
  return { store, retried };
}

/**
 * `--retry-failed`: each failed item is queued again with fresh attempts; its reason goes into its
 * notes, and a pipeline keeps the steps it finished (the retry starts at the step that failed).
 * Done items are not touched. Returns the ids of the items put back.
 */
function retryFailedItems(items: ManifestItem[], say: (line: string) => void): string[] {
  const failed = items.filter((i) => i.state === 'failed');
  for (const item of failed) {
    item.notes = [...(item.notes ?? []), `failed before: ${item.error ?? 'no reason recorded'}`].slice(-5);
    item.state = 'queued';
    item.itemFailures = 0;
    delete item.error;
    delete item.problem;
    delete item.finishedAt;
    delete item.taskId;
  }
  const done = items.filter((i) => i.state === 'done').length;
  say(
    failed.length > 0
      ? `Retrying ${failed.length} failed item(s); ${done} done item(s) are kept.`
      : 'No failed item to retry.',
  );
  return failed.map((i) => i.id);
}
