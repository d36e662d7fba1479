/**
 * `fooocus-flow batch`: the coordinator. It owns the output folder: builds the items, keeps the
 * manifest (the batch's durable state), adds the items to the queue (embedded or BullMQ), starts the
 * in-process workers (embedded mode: one per server), hears every event, collects results into the
 * folder and keeps index.html / results.csv up to date.
 *
 * Running the same command again reads the manifest and goes on: finished items are never redone,
 * an item whose task was submitted is followed (its journal entry travels with it), and in Redis
 * mode items that workers finished meanwhile are collected.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { openWorkflowFile, type OpenedWorkflow } from '../assets.ts';
import { formatFileError } from '../../compiler/workflow-file/index.ts';
import { EXIT, type CliIO } from '../io.ts';
import { checkOutDirFree } from '../run-output.ts';
import type { TextSink } from '../run-output.ts';
import { checkRedis, createBullQueue, parseRedisUrl } from './bullmq-queue.ts';
import { collectItem } from './collect.ts';
import { createEmbeddedQueue } from './embedded-queue.ts';
import { compileItem } from './item-run.ts';
import { buildItems, itemSeed, type BatchItem, type ItemSources } from './items.ts';
import { manifestStore, newManifest, readManifest, type ManifestItem } from './manifest.ts';
import { createBatchProgress, formatBatchProgress, type ServerStatus } from './progress.ts';
import type { ItemEvent, ItemQueue, JobSpec } from './queue.ts';
import { writeReports } from './report.ts';
import { startServerWorker, type ServerWorker } from './server-worker.ts';
import type { BatchTuning } from './tuning.ts';

export const EXIT_CANCELLED = 130;

export class BatchExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface BatchOptions {
  workflow: string;
  out: string;
  sources: ItemSources;
  /** --servers (embedded mode); undefined: FOOOCUS_API_URL, else the built-in simulated engine. */
  servers: string[] | undefined;
  apiKey: string | undefined;
  /** --queue redis://… */
  queue: string | undefined;
  assets: string | undefined;
  maxItemAttempts: number;
  /**
   * Run the failed items of the batch in `out` again (fresh attempts), keeping the done ones. The
   * items come from its manifest; --input/--table/--set, when given, must be the same as before.
   */
  retryFailed?: boolean | undefined;
  io: CliIO & { stderr: TextSink };
  /** First Ctrl+C: stop the running tasks on their servers (confirmed) and quit. */
  signal: AbortSignal;
  /** Second Ctrl+C: leave them running and quit (the manifest keeps their task ids). */
  detach: AbortSignal;
  tuning: BatchTuning;
  env: NodeJS.ProcessEnv;
}

async function openWorkflow(path: string): Promise<{ opened: OpenedWorkflow; sha256: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BatchExit(EXIT.badInput, `Cannot read ${path}: ${(e as Error).message}`);
  }
  const parsed = await openWorkflowFile(text, path);
  if (!parsed.ok) {
    const lines = parsed.errors.map((e) => `  ${formatFileError(e)}`).join('\n');
    throw new BatchExit(EXIT.badInput, `${path} is not a valid workflow:\n${lines}`);
  }
  return { opened: parsed.opened, sha256: createHash('sha256').update(text).digest('hex') };
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

export async function runBatch(o: BatchOptions): Promise<number> {
  const { io } = o;
  const out = resolve(o.out);
  const { opened, sha256 } = await openWorkflow(o.workflow);
  if (o.assets) {
    // The asset folder of images the file does not embed.
    const again = await openWorkflowFile(await readFile(o.workflow, 'utf8'), o.workflow, o.assets);
    if (again.ok) Object.assign(opened, again.opened);
  }
  // --retry-failed alone: the items are the manifest's.
  const fromManifest =
    o.retryFailed === true && Object.keys(o.sources.inputs).length === 0 && o.sources.table === undefined;
  let items: BatchItem[] = [];
  try {
    if (!fromManifest) items = await buildItems(opened.workflow, o.sources);
  } catch (e) {
    throw new BatchExit(EXIT.badInput, (e as Error).message);
  }
  const queueName = o.queue ?? 'embedded';
  if (o.queue) {
    // A clear message before anything is written.
    try {
      await checkRedis(parseRedisUrl(o.queue), o.queue);
    } catch (e) {
      throw new BatchExit(EXIT.graphErrors, (e as Error).message);
    }
  }

  // The manifest: new, or the one an earlier run of this same command left.
  let retried: string[] = [];
  let manifest = await readManifest(out).catch((e: Error) => {
    throw new BatchExit(EXIT.badInput, e.message);
  });
  if (!manifest && o.retryFailed)
    throw new BatchExit(
      EXIT.badInput,
      `--retry-failed: ${out} holds no batch (no manifest.json); start one without --retry-failed`,
    );
  if (manifest) {
    if (manifest.workflow.sha256 !== sha256)
      throw new BatchExit(
        EXIT.badInput,
        `${out} holds a batch of another version of the workflow (${manifest.workflow.path}); choose another --out, or run that workflow`,
      );
    if (manifest.queue !== queueName)
      throw new BatchExit(
        EXIT.badInput,
        `${out} holds a batch run with ${manifest.queue === 'embedded' ? 'the embedded queue' : `--queue ${manifest.queue}`}; run it again the same way`,
      );
    const ids = new Set(manifest.items.map((i) => i.id));
    const missing = items.filter((i) => !ids.has(i.id));
    if (!fromManifest && (missing.length > 0 || items.length !== manifest.items.length))
      throw new BatchExit(
        EXIT.badInput,
        `The inputs changed since ${out} was started (${manifest.items.length} items there, ${items.length} now, ${missing.length} new); give the same --input/--table/--set, or choose another --out`,
      );
    io.stderr.write(`Continuing the batch in ${out} ...\n`);
    if (o.retryFailed) retried = retryFailedItems(manifest.items as ManifestItem[], io.stderr);
  } else {
    const busy = await checkOutDirFree(out);
    if (busy) throw new BatchExit(EXIT.badInput, busy);
    const batchSeed = Math.floor(Math.random() * 2 ** 48);
    manifest = newManifest({
      batchId: randomBytes(8).toString('hex'),
      workflow: { path: resolve(o.workflow), sha256 },
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
  const all = manifest.items as ManifestItem[];
  const title = `${opened.workflow.name}: batch of ${all.length}`;
  const reports = coalesced(() => writeReports(out, store.manifest, title));
  await reports();

  // Servers and queue.
  const servers = new Map<string, ServerStatus>();
  let sim: SimEngine | undefined;
  let serverUrls: string[] = [];
  if (o.queue) {
    if (o.servers)
      throw new BatchExit(
        EXIT.badInput,
        '--servers is for the embedded queue; with --queue each server has its own worker: fooocus-flow worker --queue URL --api SERVER',
      );
  } else if (o.servers) serverUrls = o.servers;
  else if (o.env.FOOOCUS_API_URL) serverUrls = [o.env.FOOOCUS_API_URL];
  else {
    sim = await startSimEngine({ port: 0, speed: 0 });
    serverUrls = [sim.url];
    io.stderr.write(`No server given: running on the built-in simulated engine (${sim.url}).\n`);
  }
  const apiKey = o.apiKey ?? (o.servers ? undefined : o.env.FOOOCUS_API_KEY);
  const queue: ItemQueue = o.queue
    ? createBullQueue({
        redis: parseRedisUrl(o.queue),
        batchId: manifest.batchId,
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

  const progress = createBatchProgress(io.stderr);
  const pace = {
    startedAt: Date.now(),
    doneAtStart: all.filter((i) => i.state === 'done' || i.state === 'failed').length,
  };
  const draw = () => {
    const line = formatBatchProgress(all, servers, { ...pace, now: Date.now() });
    progress.update(line, line.replace(/ · ETA \S+/, ''));
  };
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const terminal = () => all.every((i) => i.state === 'done' || i.state === 'failed');
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
      const got = await collectItem(out, item, result, apiKey, o.tuning);
      item.files = got.files;
      item.thumbs = got.thumbs;
      item.state = 'done';
      item.finishedAt = Date.now();
      delete item.entry;
      delete item.error;
      await store.save();
      await reports();
    } catch (e) {
      item.error = `downloading the results failed (run the same command again to retry): ${(e as Error).message}`;
      await store.save();
      progress.say(`${item.label}: ${item.error}`);
    } finally {
      draw();
      checkEnd();
    }
  }

  const onEvent = (e: ItemEvent) => {
    if (e.type === 'server') {
      servers.set(e.server, { state: e.state, message: e.message });
      progress.say(`server ${e.server}: ${e.message}`);
      draw();
      if (!o.queue && [...servers.values()].filter((s) => s.state === 'out').length === serverUrls.length)
        finish(); // nobody left to run the rest
      return;
    }
    const item = all.find((i) => i.id === e.itemId);
    if (!item || item.state === 'done' || (item.state === 'failed' && e.type !== 'completed')) return;
    switch (e.type) {
      case 'running': {
        const changed = item.state !== 'running' || item.server !== e.server || item.taskId !== e.taskId;
        if (item.state === 'collecting') return;
        item.state = 'running';
        item.server = e.server;
        item.worker = e.worker;
        if (e.taskId) item.taskId = e.taskId;
        item.phase = e.phase;
        item.progress = Math.round(e.progress);
        item.startedAt ??= Date.now();
        if (!servers.has(e.server)) servers.set(e.server, { state: 'ok' });
        if (changed) void store.save();
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
        void store.save().then(() => collect(item));
        break;
      case 'failed':
        item.state = 'failed';
        item.error = e.reason;
        item.finishedAt = Date.now();
        progress.say(`${item.label}: failed: ${e.reason}`);
        void store.save().then(reports);
        break;
    }
    draw();
    checkEnd();
  };
  const unsubscribe = queue.subscribe(onEvent);
  await queue.ready();
  // Redis still lists them as failed: dropped there, they are added again below.
  if (retried.length > 0) await queue.forgetFailed(retried);

  // What is left to do, item by item.
  const spec = (item: ManifestItem): JobSpec => ({
    itemId: item.id,
    // The built-in engine of an earlier run ended with it: nothing to follow there.
    entry: item.entry && !sim ? item.entry : undefined,
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
    if (item.state === 'done' || item.state === 'failed') continue;
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

  const workers: ServerWorker[] = serverUrls.map((server, i) =>
    startServerWorker(queue, {
      name: `local-${i + 1}`,
      server,
      apiKey,
      tuning: o.tuning,
      detach: o.detach,
    }),
  );
  for (const s of serverUrls) servers.set(s, { state: 'ok' });
  const left = all.filter((i) => i.state !== 'done' && i.state !== 'failed').length;
  io.stderr.write(
    `Batch of ${all.length} item(s), ${left} to go, ` +
      (o.queue
        ? `on the Redis queue ${o.queue} (workers: fooocus-flow worker --queue ${o.queue} --api SERVER)\n`
        : `on ${serverUrls.length} server(s)\n`),
  );
  draw();
  const adding = queue.add(toAdd).catch((e: unknown) => {
    progress.say(`Adding items to the queue failed: ${(e as Error).message}`);
    finish();
  });
  checkEnd();

  const cancelled = new Promise<'cancelled'>((r) => {
    if (o.signal.aborted) r('cancelled');
    o.signal.addEventListener('abort', () => r('cancelled'), { once: true });
  });
  const how = await Promise.race([finished.then(() => 'finished' as const), cancelled]);
  if (how === 'cancelled') {
    progress.say(
      o.queue
        ? 'Stopping the coordinator; the workers go on. Run the same command again to collect their results.'
        : 'Stopping: running tasks are stopped on their servers (confirmed) ... (Ctrl+C again leaves them running)',
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
  progress.done();
  await sim?.close();

  const count = (s: string) => all.filter((i) => i.state === s).length;
  const summary = `${count('done')} done, ${count('failed')} failed, ${all.length - count('done') - count('failed')} not finished`;
  io.stderr.write(`Batch: ${summary}. Contact sheet: ${resolve(out, 'index.html')}\n`);
  if (how === 'cancelled') return EXIT_CANCELLED;
  if (!terminal()) {
    io.stderr.write('Every server was taken out; run the same command again once they answer.\n');
    return EXIT.graphErrors;
  }
  return count('failed') > 0 ? EXIT.graphErrors : EXIT.ok;
}

/**
 * `--retry-failed`: each failed item is queued again with fresh attempts; its reason goes into its
 * notes, and a pipeline keeps the steps it finished (the retry starts at the step that failed).
 * Done items are not touched. Returns the ids of the items put back.
 */
function retryFailedItems(items: ManifestItem[], say: TextSink): string[] {
  const failed = items.filter((i) => i.state === 'failed');
  for (const item of failed) {
    item.notes = [...(item.notes ?? []), `failed before: ${item.error ?? 'no reason recorded'}`].slice(-5);
    item.state = 'queued';
    item.itemFailures = 0;
    delete item.error;
    delete item.finishedAt;
    delete item.taskId;
  }
  const done = items.filter((i) => i.state === 'done').length;
  say.write(
    failed.length > 0
      ? `Retrying ${failed.length} failed item(s); ${done} done item(s) are kept.\n`
      : 'No failed item to retry.\n',
  );
  return failed.map((i) => i.id);
}
