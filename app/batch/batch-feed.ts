/**
 * Files an editor batch's finished results into the gallery as its status comes in (from the
 * dialog's polling, or in the background while the dialog is closed): one entry per batch.
 */
import type { Workflow } from '../../nodes/graph.ts';
import { appendResults, useGallery } from '../run/gallery.ts';
import { batchStatus, type BatchStatus } from './batch-client.ts';
import { batchGalleryId, batchResultsToAdd } from './batch-gallery.ts';

/** How often a batch running while its dialog is closed is read (as the dialog does). */
const POLL_MS = 500;

/**
 * Adds the results of items finished since the last call. `workflow` is the graph the batch was
 * made from, kept with the entry (the status does not carry it).
 */
export async function fileBatchResults(status: BatchStatus, workflow: Workflow): Promise<void> {
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
  // All finished results, in item order: the entry shows them so, whatever order they finished in.
  const wanted = batchResultsToAdd(status, []);
  await appendResults(
    id,
    {
      at: Date.now(),
      seed: 0,
      name: status.workflowName,
      workflow,
      requestJson: '',
      stopped: status.state === 'stopped',
      batch: { id: status.id },
    },
    wanted,
  );
}

/**
 * Follows a batch while its dialog is closed, until it is no longer running; returns a function
 * that stops following (the dialog, opened again, follows it itself).
 */
export function followBatch(batchId: string, workflow: () => Workflow): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const read = async () => {
    if (stopped) return;
    const status = await batchStatus(batchId).catch(() => null);
    if (stopped || !status) return;
    await fileBatchResults(status, workflow()).catch(() => undefined);
    if (!stopped && (status.state === 'running' || status.state === 'stopping'))
      timer = setTimeout(() => void read(), POLL_MS);
  };
  void read();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
