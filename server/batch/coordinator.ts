/**
 * The batch's coordinator: given a prepared manifest (batch-setup.ts), it adds the items left to do
 * to the queue (embedded or BullMQ), starts the in-process workers (embedded mode: one per server),
 * hears every event, collects results into the output folder and keeps index.html / results.csv up
 * to date, until every item is done or failed, every server was taken out, or `signal` stops it.
 *
 * Running it again on the same manifest goes on: finished items are never redone, an item whose task
 * was submitted is followed (its journal entry travels with it), and in Redis mode items that
 * workers finished meanwhile are collected. Used by `fooocus-flow batch` and by the app server.
 */
import type { OpenedWorkflow } from '../assets/open-workflow.ts';
import { createBullQueue, parseRedisUrl } from './bullmq-queue.ts';
import type { ManifestStore } from './batch-setup.ts';
import { collectItem } from './collect.ts';
import { createEmbeddedQueue } from './embedded-queue.ts';
import { compileItem } from './item-run.ts';
import type { ManifestItem } from './manifest.ts';
import type { ItemEvent, ItemQueue, JobSpec, ServerStatus } from './queue.ts';
import { writeReports } from './report.ts';
import { startServerWorker, type ServerWorker } from './server-worker.ts';
import type { BatchTuning } from './tuning.ts';

export interface BatchRunOptions {
  out: string;
  opened: OpenedWorkflow;
  store: ManifestStore;
  /** Items put back by --retry-failed (Redis still lists them as failed). */
  retried: string[];
  /** Embedded mode: one worker per server. With a Redis queue: none (workers are separate). */
  servers: string[];
  /** The servers were started for this run only (a built-in simulated engine): an earlier run's tasks are gone. */
  freshServers: boolean;
  apiKey: string | undefined;
  /** `redis://…`, or undefined for the embedded queue. */
  queue: string | undefined;
  maxItemAttempts: number;
  tuning: BatchTuning;
  /** Stop: running tasks are stopped on their servers (confirmed). */
  signal: AbortSignal;
  /** Leave running tasks running (the manifest keeps their task ids). */
  detach: AbortSignal;
  /** Something worth telling the user (a server backing off, an item failing). */
  say: (line: string) => void;
  /** An item or server changed: redraw. */
  changed: () => void;
  /** Every server's state, kept up to date (the caller shows it). */
  serverStatus: Map<string, ServerStatus>;
  /** What to say when stopped (embedded queue); the default speaks of Ctrl+C, for the terminal. */
  stoppingText?: string | undefined;
}

export interface BatchOutcome {
  how: 'finished' | 'cancelled';
  /** Every item is done or failed. */
  terminal: boolean;
}

/** Runs `fn` once now and, if asked again meanwhile, once more after: never two at a time. */
function coalesced(fn: () => Promise<void>): () => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  return () => {
    if (queued) return queued;
    const next = chain.then(() => {
      queued = null;
      return fn();
    });
    queued = next;
    chain = next.catch(() => undefined);
    return next;
  };
}

export const isFinished = (i: ManifestItem) => i.state === 'done' || i.state === 'failed';

export async function runBatchItems(o: BatchRunOptions): Promise<BatchOutcome> {
  const { out, store, opened, say, changed } = o;
  const servers = o.serverStatus;
  const all = store.manifest.items as ManifestItem[];
  const title = `${opened.workflow.name}: batch of ${all.length}`;
  const reports = coalesced(() => writeReports(out, store.manifest, title));
  await reports();

  const queue: ItemQueue = o.queue
    ? createBullQueue({
        redis: parseRedisUrl(o.queue),
        batchId: store.manifest.batchId,
        maxItemAttempts: o.maxItemAttempts,
        lockMs: o.tuning.lockMs,
      })
    : createEmbeddedQueue({
        maxItemAttempts: o.maxItemAttempts,
        persistEntry: async (itemId, entry) => {
          const item = store.item(itemId);
          item.entry = entry;
          if (entry?.taskId) item.taskId = entry.taskId;
          if (entry) {
            item.state = 'running';
            item.server = entry.baseUrl;
          }
          await store.save();
        },
      });

  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const terminal = () => all.every(isFinished);
  const checkEnd = () => {
    if (terminal()) finish();
  };

  const collecting = new Map<string, Promise<void>>();
  function collect(item: ManifestItem): Promise<void> {
    const result = item.result;
    if (!result) return Promise.resolve();
    let p = collecting.get(item.id);
    if (!p) {
      p = collectOnce(item, result).finally(() => collecting.delete(item.id));
      collecting.set(item.id, p);
    }
    return p;
  }
  async function collectOnce(item: ManifestItem, result: NonNullable<ManifestItem['result']>): Promise<void> {
    try {
      // The result is on record before its download, so an interrupted download is retried, not lost.
      await store.save();
      const got = await collectItem(out, item, result, o.apiKey, o.tuning);
      item.files = got.files;
      item.thumbs = got.thumbs;
      item.state = 'done';
      item.finishedAt = Date.now();
      delete item.entry;
      delete item.error;
      delete item.problem;
      await store.save();
      await reports();
    } catch (e) {
      item.error = `downloading the results failed (run the same command again to retry): ${(e as Error).message}`;
      await store.save();
      say(`${item.label}: ${item.error}`);
    } finally {
      changed();
      checkEnd();
    }
  }

  const onEvent = (e: ItemEvent) => {
    if (e.type === 'server') {
      servers.set(e.server, { state: e.state, message: e.message });
      say(`server ${e.server}: ${e.message}`);
      changed();
      if (!o.queue && [...servers.values()].filter((s) => s.state === 'out').length === o.servers.length)
        finish(); // nobody left to run the rest
      return;
    }
    const item = all.find((i) => i.id === e.itemId);
    if (!item || item.state === 'done' || (item.state === 'failed' && e.type !== 'completed')) return;
    switch (e.type) {
      case 'running': {
        const moved = item.state !== 'running' || item.server !== e.server || item.taskId !== e.taskId;
        if (item.state === 'collecting') return;
        item.state = 'running';
        item.server = e.server;
        item.worker = e.worker;
        if (e.taskId) item.taskId = e.taskId;
        item.phase = e.phase;
        item.progress = Math.round(e.progress);
        item.startedAt ??= Date.now();
        if (!servers.has(e.server)) servers.set(e.server, { state: 'ok' });
        if (moved) void store.save();
        break;
      }
      case 'retry':
        item.state = 'queued';
        item.itemFailures = e.itemFailures;
        item.notes = [...(item.notes ?? []), e.reason].slice(-5);
        delete item.taskId;
        void store.save();
        break;
      case 'completed':
        item.state = 'collecting';
        item.result = e.result;
        item.server = e.result.baseUrl;
        item.taskId = e.result.taskId;
        item.worker = e.result.worker;
        // Registered now, not after the save: a stop that ends the batch meanwhile must wait for it.
        void collect(item);
        break;
      case 'failed':
        item.state = 'failed';
        item.error = e.reason;
        if (e.problem) item.problem = e.problem;
        else delete item.problem;
        item.finishedAt = Date.now();
        say(`${item.label}: failed: ${e.reason}`);
        void store.save().then(reports);
        break;
    }
    changed();
    checkEnd();
  };
  const unsubscribe = queue.subscribe(onEvent);
  await queue.ready();
  // Redis still lists them as failed: dropped there, they are added again below.
  if (o.retried.length > 0) await queue.forgetFailed(o.retried);

  // What is left to do, item by item.
  const spec = (item: ManifestItem): JobSpec => ({
    itemId: item.id,
    // A built-in engine of an earlier run ended with it: nothing to follow there.
    entry: item.entry && !o.freshServers ? item.entry : undefined,
    itemFailures: item.itemFailures,
    build: () =>
      compileItem(opened, {
        id: item.id,
        index: item.index,
        label: item.label,
        inputs: item.inputs,
        set: item.set,
        seed: item.seed,
      }),
  });
  const toAdd: JobSpec[] = [];
  for (const item of all) {
    if (isFinished(item)) continue;
    if (item.state === 'collecting' && item.result) {
      void collect(item);
      continue;
    }
    if (o.queue) {
      const found = await queue.lookup(item.id);
      if (found.state === 'completed') {
        onEvent({ type: 'completed', itemId: item.id, result: found.result });
        continue;
      }
      if (found.state === 'failed') {
        onEvent({ type: 'failed', itemId: item.id, reason: found.reason });
        continue;
      }
      if (found.state === 'pending') continue;
    }
    if (item.state === 'running' && !item.entry) item.state = 'queued';
    toAdd.push(spec(item));
  }
  await store.save();

  const workers: ServerWorker[] = o.servers.map((server, i) =>
    startServerWorker(queue, {
      name: `local-${i + 1}`,
      server,
      apiKey: o.apiKey,
      tuning: o.tuning,
      detach: o.detach,
    }),
  );
  for (const s of o.servers) servers.set(s, { state: 'ok' });
  const left = all.filter((i) => !isFinished(i)).length;
  say(
    `Batch of ${all.length} item(s), ${left} to go, ` +
      (o.queue
        ? `on the Redis queue ${o.queue} (workers: fooocus-flow worker --queue ${o.queue} --api SERVER)`
        : `on ${o.servers.length} server(s)`),
  );
  changed();
  const adding = queue.add(toAdd).catch((e: unknown) => {
    say(`Adding items to the queue failed: ${(e as Error).message}`);
    finish();
  });
  checkEnd();

  const cancelled = new Promise<'cancelled'>((r) => {
    if (o.signal.aborted) r('cancelled');
    o.signal.addEventListener('abort', () => r('cancelled'), { once: true });
  });
  const how = await Promise.race([finished.then(() => 'finished' as const), cancelled]);
  if (how === 'cancelled') {
    say(
      o.queue
        ? 'Stopping the coordinator; the workers go on. Run the same command again to collect their results.'
        : (o.stoppingText ??
            'Stopping: running tasks are stopped on their servers (confirmed) ... (Ctrl+C again leaves them running)'),
    );
  }
  // Embedded: closing a worker stops its task on the server and waits for the confirmation.
  await Promise.all(workers.map((w) => w.close()));
  await adding;
  unsubscribe();
  await queue.close();
  // Collections under way finish (they only read finished results).
  await Promise.all(collecting.values());
  for (const item of all) if (item.state === 'running' && !item.entry && !o.queue) item.state = 'queued';
  await store.save();
  await reports();
  changed();
  return { how, terminal: terminal() };
}
