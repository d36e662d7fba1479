/**
 * Files an editor batch's finished results into the gallery as its status comes in (from the
 * dialog's polling, or in the background while the dialog is closed or after a reload): one entry
 * per batch, which keeps the workflow the batch was made from (read from the app server, not the
 * canvas, which may hold another graph by then).
 */
import { openWorkflowJson } from '../../compiler/workflow-file/index.ts';
import { emptyWorkflow, type Workflow } from '../../nodes/graph.ts';
import { storeOpenedAssets } from '../persistence/open-assets.ts';
import { appendResults, useGallery } from '../run/gallery.ts';
import { batchStatus, batchWorkflow, BatchRequestError, type BatchStatus } from './batch-client.ts';
import { batchGalleryId, batchResultsToAdd } from './batch-gallery.ts';
import { forgetBatch, startedBatches } from './batch-memory.ts';

/** How often a batch running while its dialog is closed is read (as the dialog does). */
const POLL_MS = 500;
/** After the app server did not answer: read again later (the batch goes on there). */
const RETRY_MS = 5000;

/** Per batch, its workflow as read once from the app server; null when its file no longer opens. */
const workflows = new Map<string, Promise<Workflow | null>>();

async function readWorkflow(batchId: string): Promise<Workflow | null> {
  // Unreachable: throws, and the next status tries again; gone or no longer valid: no workflow.
  const json = await batchWorkflow(batchId).catch((e: unknown) => {
    if (e instanceof BatchRequestError && e.status < 500) return undefined;
    throw e;
  });
  if (json === undefined) return null;
  const parsed = await openWorkflowJson(json);
  if (!parsed.ok) return null;
  // Its images (embedded in the file) go to the asset store, so "Open workflow" finds them later.
  await storeOpenedAssets(parsed.workflow, parsed.assets).catch(() => undefined);
  return parsed.workflow;
}

function workflowOf(batchId: string): Promise<Workflow | null> {
  let p = workflows.get(batchId);
  if (!p) {
    p = readWorkflow(batchId);
    workflows.set(batchId, p);
    p.catch(() => workflows.delete(batchId));
  }
  return p;
}

/** Adds the results of items finished since the last call, to the batch's one entry. */
export async function fileBatchResults(status: BatchStatus): Promise<void> {
  const id = batchGalleryId(status.id);
  const shown = useGallery.getState().runs.find((r) => r.id === id);
  // A cheap first look at what this page shows; appendResults checks the store as well.
  if (
    batchResultsToAdd(
      status,
      (shown?.images ?? []).map((i) => i.url),
    ).length === 0
  )
    return;
  const workflow = await workflowOf(status.id);
  // All finished results, in item order: the entry shows them so, whatever order they finished in.
  const wanted = batchResultsToAdd(status, []);
  await appendResults(
    id,
    {
      at: Date.now(),
      seed: 0,
      name: status.workflowName,
      workflow: workflow ?? emptyWorkflow(status.workflowName),
      requestJson: '',
      stopped: status.state === 'stopped',
      batch: workflow ? { id: status.id, hasWorkflow: true } : { id: status.id },
    },
    wanted,
  );
}

const live = (s: BatchStatus['state']) => s === 'running' || s === 'stopping';

/**
 * Follows a batch in the background until it is no longer running, filing its results as they
 * finish; `ended` is told its last state ('gone': the app server has no such batch). Returns a
 * function that stops following (the dialog, opened again, follows it itself).
 */
export function followBatch(
  batchId: string,
  ended: (state: BatchStatus['state'] | 'gone') => void = () => undefined,
): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = (ms: number) => {
    if (!stopped) timer = setTimeout(() => void read(), ms);
  };
  const read = async () => {
    if (stopped) return;
    let status: BatchStatus;
    try {
      status = await batchStatus(batchId);
    } catch (e) {
      if (e instanceof BatchRequestError && e.status === 404) return stopped || ended('gone');
      return later(RETRY_MS); // the app server restarting, or the network: it goes on there
    }
    if (stopped) return;
    try {
      await fileBatchResults(status);
    } catch {
      return later(RETRY_MS); // the workflow or a result not readable now: the next read files it
    }
    if (live(status.state)) later(POLL_MS);
    else if (!stopped) ended(status.state);
  };
  void read();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * At start-up: the batches this browser started are followed until they end, also those that
 * ended while no page was open (filed once now); then each is forgotten.
 */
export function followStartedBatches(): () => void {
  const stops = startedBatches().map((id) => followBatch(id, () => forgetBatch(id)));
  return () => stops.forEach((s) => s());
}
