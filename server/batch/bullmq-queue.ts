/**
 * `--queue redis://host:port`: the batch's items on a BullMQ queue in Redis, taken by `fooocus-flow
 * worker` processes (one per FooocusAPI server, on any machine). Same semantics as the embedded
 * queue (queue.ts); what BullMQ adds:
 *
 * - a worker holds a lock on its item, renewed while it runs; a worker that dies stops renewing, and
 *   after `lockMs` BullMQ's stalled-job check (run by every live worker) puts the item back, so
 *   another worker takes it. The item's journal entry is in the job's data (`updateData`, awaited
 *   before the POST), so that worker follows the task the dead one submitted — on its server —
 *   instead of sending it again;
 * - the item's result (task id, server, image URLs) stays in Redis with the completed job, so a
 *   coordinator that was stopped while workers went on collects it when it runs again.
 *
 * Job ids are `<batchId>-<itemId>`: adding an item that is already there does nothing.
 */
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DEFAULT_ITEM_ATTEMPTS,
  ItemFailure,
  type ItemEvent,
  type ItemHandler,
  type ItemJob,
  type ItemQueue,
  type ItemResult,
  type JobSpec,
  type QueueWorker,
  type StoredEntry,
} from './queue.ts';
import { problemOf } from './item-problem.ts';

export const QUEUE_NAME = 'fooocus-flow-batch';

interface JobData {
  batchId: string;
  maxItemAttempts: number;
  job: ItemJob;
  entry?: StoredEntry | undefined;
  itemFailures: number;
}

export interface RedisTarget {
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
  db?: number | undefined;
}

/** `redis://[user:password@]host[:port][/db]`; anything else is refused with an example. */
export function parseRedisUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--queue must be a Redis URL such as redis://127.0.0.1:6379, got "${text}"`);
  }
  if (url.protocol !== 'redis:' || !url.hostname)
    throw new Error(`--queue must be a Redis URL such as redis://127.0.0.1:6379, got "${text}"`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new Error(`--queue: "${db}" is not a Redis database number`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: db === '' ? undefined : Number(db),
  };
}

/** One PING with a time limit: an unreachable Redis is said at once, not retried forever. */
export async function checkRedis(target: RedisTarget, url: string, timeoutMs = 10_000): Promise<void> {
  const client = new Redis({
    ...target,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new Error(
      `Cannot reach Redis at ${url} (${(e as Error).message.replace(/\.$/, '')}): is redis-server running there?`,
      {
        cause: e,
      },
    );
  } finally {
    client.disconnect();
  }
}

function connectionOf(target: RedisTarget) {
  // Workers block on Redis; BullMQ needs ioredis to retry those commands forever.
  return { ...target, maxRetriesPerRequest: null };
}

export interface BullQueueOptions {
  redis: RedisTarget;
  /** The batch the coordinator adds and listens to; workers serve every batch. */
  batchId: string;
  maxItemAttempts?: number | undefined;
  /** How long a worker's lock lasts without renewal (also the stalled-check interval). */
  lockMs: number;
}

export function createBullQueue(opts: BullQueueOptions): ItemQueue {
  const connection = connectionOf(opts.redis);
  const queue = new Queue<JobData, ItemResult>(QUEUE_NAME, { connection });
  queue.on('error', () => undefined); // ioredis reconnects by itself; checkRedis said it is there
  const prefix = `${opts.batchId}-`;
  const jobId = (itemId: string) => `${prefix}${itemId}`;
  const listeners = new Set<(e: ItemEvent) => void>();
  let events: QueueEvents | undefined;
  const workers = new Set<QueueWorker>();

  const emit = (e: ItemEvent) => {
    for (const l of listeners) l(e);
  };

  async function lookup(itemId: string) {
    const job = await queue.getJob(jobId(itemId));
    if (!job) return { state: 'absent' as const };
    const state = await job.getState();
    if (state === 'completed') return { state: 'completed' as const, result: job.returnvalue };
    if (state === 'failed') return { state: 'failed' as const, reason: job.failedReason };
    return { state: 'pending' as const };
  }

  function listen(): void {
    if (events) return;
    events = new QueueEvents(QUEUE_NAME, { connection });
    events.on('error', () => undefined);
    const ours = (id: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : undefined);
    events.on('progress', ({ jobId: id, data }) => {
      if (ours(id) && data && typeof data === 'object') emit(data as ItemEvent);
    });
    events.on('completed', ({ jobId: id, returnvalue }) => {
      const itemId = ours(id);
      if (!itemId) return;
      const result = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as ItemResult;
      emit({ type: 'completed', itemId, result });
    });
    events.on('failed', ({ jobId: id }) => {
      const itemId = ours(id);
      if (!itemId) return;
      // Every failed attempt is announced; only a job that ended in the failed set failed for good.
      void lookup(itemId).then((l) => {
        if (l.state === 'failed') emit({ type: 'failed', itemId, reason: l.reason });
      });
    });
  }

  return {
    kind: 'redis',
    async add(specs: JobSpec[]) {
      for (const spec of specs) {
        if (await queue.getJob(jobId(spec.itemId))) continue;
        let job: ItemJob;
        try {
          job = await spec.build();
        } catch (e) {
          emit({
            type: 'failed',
            itemId: spec.itemId,
            reason: `cannot prepare the item: ${(e as Error).message}`,
            problem: problemOf(e),
          });
          continue;
        }
        const data: JobData = {
          batchId: opts.batchId,
          maxItemAttempts: opts.maxItemAttempts ?? DEFAULT_ITEM_ATTEMPTS,
          job,
          entry: spec.entry,
          itemFailures: spec.itemFailures ?? 0,
        };
        // Attempts are counted in the data (item failures only); BullMQ's count only bounds loops.
        await queue.add('item', data, {
          jobId: jobId(spec.itemId),
          attempts: 1000,
          removeOnComplete: false,
          removeOnFail: false,
        });
      }
    },
    lookup,
    async forgetFailed(itemIds) {
      for (const id of itemIds) {
        const job = await queue.getJob(jobId(id));
        // Only a job that failed for good: one a worker holds or will take stays as it is.
        if (job && (await job.getState()) === 'failed') await job.remove();
      }
    },
    subscribe(listener) {
      listen();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    worker: (name, handler, slots) => {
      const w = bullWorker(connection, opts.lockMs, name, handler, slots);
      workers.add(w);
      return w;
    },
    async ready() {
      listen();
      await events!.waitUntilReady();
    },
    async close() {
      await Promise.all([...workers].map((w) => w.close()));
      await events?.close();
      await queue.close();
    },
  };
}

/** A worker of every batch on the queue: `slots` items at a time (see ItemQueue.worker). */
export function bullWorker(
  connection: ReturnType<typeof connectionOf>,
  lockMs: number,
  name: string,
  handler: ItemHandler,
  slots = 1,
): QueueWorker {
  const current = new Set<AbortController>();
  const worker = new Worker<JobData, ItemResult>(
    QUEUE_NAME,
    async (job: Job<JobData, ItemResult>) => {
      const data = { ...job.data };
      const controller = new AbortController();
      current.add(controller);
      const report = (e: ItemEvent) => job.updateProgress(e as unknown as object);
      try {
        return await handler(
          {
            job: data.job,
            entry: data.entry,
            itemFailures: data.itemFailures,
            saveEntry: async (entry) => {
              data.entry = entry;
              await job.updateData(data);
            },
            report,
          },
          controller.signal,
        );
      } catch (e) {
        const failure =
          e instanceof ItemFailure ? e : new ItemFailure('item', `unexpected: ${(e as Error).message}`);
        if (failure.kind === 'item') {
          data.itemFailures++;
          await job.updateData(data);
          if (data.itemFailures >= data.maxItemAttempts) throw new UnrecoverableError(failure.message);
        }
        await report({
          type: 'retry',
          itemId: data.job.itemId,
          kind: failure.kind,
          reason: failure.message,
          itemFailures: data.itemFailures,
        }).catch(() => undefined);
        throw new Error(failure.message, { cause: e });
      } finally {
        current.delete(controller);
      }
    },
    {
      connection,
      name,
      concurrency: slots,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A job whose worker died is put back this many times before BullMQ gives up on it.
      maxStalledCount: 20,
      drainDelay: 1,
    },
  );
  worker.on('error', () => undefined); // connection blips are retried by ioredis
  let closing: Promise<void> | undefined;
  return {
    pause: () => void worker.pause(true),
    resume: () => worker.resume(),
    close: () => {
      for (const c of current) c.abort();
      closing ??= worker.close();
      return closing;
    },
  };
}

export { connectionOf };
