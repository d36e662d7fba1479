/**
 * One FooocusAPI server's worker: FooocusAPI runs one task at a time, so it has one item running
 * and at most one more waiting in the server's own queue (the GPU goes straight on to it; more
 * would wait where no free server can take them), each run through `runCompiledItem`. A server that fails is paused with
 * a growing backoff and, after `serverFailures` failures in a row, taken out of the batch; each
 * change is announced as a `server` event (the progress line says it). Its item goes back to the
 * queue for another server, without using one of the item's attempts.
 */
import { createFooocusClient, type FooocusClient } from '../../api/client.ts';
import {
  ItemFailure,
  type ItemEvent,
  type ItemQueue,
  type Lease,
  type QueueWorker,
  type ServerState,
} from './queue.ts';
import { runCompiledItem } from './item-run.ts';
import type { BatchTuning } from './tuning.ts';

export interface ServerWorkerOptions {
  name: string;
  server: string;
  apiKey: string | undefined;
  tuning: BatchTuning;
  /** Second Ctrl+C: leave tasks running and quit. */
  detach?: AbortSignal | undefined;
  /** Told about server state changes here (the `worker` command prints them; the coordinator hears them through the job). */
  onServerEvent?: ((e: Extract<ItemEvent, { type: 'server' }>) => void) | undefined;
  /** One line per item taken and ended (the `worker` command prints them). */
  log?: ((line: string) => void) | undefined;
}

export interface ServerWorker extends QueueWorker {
  /** Resolves when the server was taken out (or the worker closed). */
  readonly out: Promise<void>;
}

export function startServerWorker(queue: Pick<ItemQueue, 'worker'>, o: ServerWorkerOptions): ServerWorker {
  const clients = new Map<string, FooocusClient>();
  const clientFor = (baseUrl: string) => {
    let c = clients.get(baseUrl);
    if (!c) {
      c = createFooocusClient({ baseUrl, apiKey: o.apiKey });
      clients.set(baseUrl, c);
    }
    return c;
  };
  const client = clientFor(o.server);
  const t = o.tuning;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let markOut!: () => void;
  const out = new Promise<void>((r) => (markOut = r));

  const worker: QueueWorker = queue.worker(
    o.name,
    async (lease, signal) => {
      const label = `${lease.job.label} (${lease.job.itemId})`;
      o.log?.(
        `${label}: ${lease.entry?.taskId ? `following task ${lease.entry.taskId} on ${lease.entry.baseUrl}` : 'taken'}`,
      );
      try {
        const result = await runCompiledItem({
          lease,
          client,
          clientFor,
          worker: o.name,
          signal,
          detach: o.detach,
          tracked: {
            intervalMs: t.intervalMs,
            goneAfterMs: t.goneAfterMs,
            lostAfterOutageMs: t.lostAfterOutageMs,
            queueCheckMs: t.queueCheckMs,
            searchGraceMs: t.searchGraceMs,
            backoff: { baseMs: t.readBackoffMs, maxMs: Math.max(t.readBackoffMs, 5_000) },
          },
        });
        o.log?.(`${label}: done (task ${result.taskId}, ${result.images.length} image(s))`);
        if (failures > 0) {
          failures = 0;
          await announce(lease, 'ok', 'answers again');
        }
        return result;
      } catch (e) {
        o.log?.(`${label}: ${(e as Error).message}`);
        if (e instanceof ItemFailure && e.kind === 'server') {
          failures++;
          if (failures >= t.serverFailures) {
            await announce(lease, 'out', `taken out after ${failures} failures in a row (${e.message})`);
            // Not awaited: closing waits for this very item, which ends when this throw returns.
            setImmediate(() => void worker.close().then(markOut));
          } else {
            const pause = t.serverBackoffMs * 2 ** Math.min(failures - 1, 4);
            worker.pause();
            await announce(
              lease,
              'backoff',
              `failed (${e.message}); trying it again in ${Math.round(pause / 1000)} s`,
            );
            timer = setTimeout(() => worker.resume(), pause);
          }
        }
        throw e;
      }
    },
    t.perServer,
  );

  async function announce(lease: Lease, state: ServerState, message: string) {
    const event = {
      type: 'server' as const,
      itemId: lease.job.itemId,
      worker: o.name,
      server: o.server,
      state,
      failures,
      message,
    };
    o.onServerEvent?.(event);
    // Through the job, so the coordinator hears it wherever it runs (BullMQ: job progress).
    await lease.report(event).catch(() => undefined);
  }

  return {
    out,
    pause: () => worker.pause(),
    resume: () => worker.resume(),
    close: async () => {
      clearTimeout(timer);
      await worker.close();
      markOut();
    },
  };
}
