/**
 * What the two ways of running a batch item share (item-run.ts: one request; item-steps.ts: a
 * pipeline): which failures blame the server, the journal entry as a batch keeps it, and the
 * progress report of a running item.
 */
import type { FooocusApiError } from '../../api/errors.ts';
import type { RunJournalEntry } from '../../api/run-journal.ts';
import type { FooocusClient } from '../../api/client.ts';
import type { TrackedRunOptions } from '../../api/tracked-run.ts';
import type { Lease, StoredEntry } from './queue.ts';

/** Failures that say the server is unwell rather than the item wrong. */
export function isServerTrouble(e: FooocusApiError): boolean {
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
export function strip({ request: _request, ...rest }: RunJournalEntry): StoredEntry {
  if (!rest.final) return rest;
  const { req_params: _params, ...final } = rest.final;
  return { ...rest, final: final as typeof rest.final };
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

/** Reports a running item's phase and progress to the queue (best effort: a lost report is harmless). */
export function itemReporter(p: RunItemParams, client: FooocusClient) {
  return (phase: string, progress: number, taskId?: string) =>
    void p.lease
      .report({
        type: 'running',
        itemId: p.lease.job.itemId,
        worker: p.worker,
        server: client.baseUrl,
        taskId,
        phase,
        progress,
      })
      .catch(() => undefined);
}
