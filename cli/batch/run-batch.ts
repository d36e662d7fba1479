/**
 * `fooocus-flow batch` around the batch engine (server/batch/): reads the workflow file, prepares
 * the manifest in --out, picks the servers (--servers, FOOOCUS_API_URL, or a built-in simulated
 * engine), draws the progress on the terminal and turns the outcome into an exit code.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatFileError } from '../../compiler/workflow-file/index.ts';
import { openWorkflowFile, type OpenedWorkflow } from '../../server/assets/open-workflow.ts';
import { BatchError, prepareBatch, workflowSha256 } from '../../server/batch/batch-setup.ts';
import { checkRedis, parseRedisUrl } from '../../server/batch/bullmq-queue.ts';
import { isFinished, runBatchItems } from '../../server/batch/coordinator.ts';
import type { ItemSources } from '../../server/batch/items.ts';
import type { ManifestItem } from '../../server/batch/manifest.ts';
import type { ServerStatus } from '../../server/batch/queue.ts';
import type { BatchTuning } from '../../server/batch/tuning.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { EXIT, type CliIO } from '../io.ts';
import type { TextSink } from '../run-output.ts';
import { createBatchProgress, formatBatchProgress } from './progress.ts';

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

async function openWorkflow(path: string, assets: string | undefined) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BatchExit(EXIT.badInput, `Cannot read ${path}: ${(e as Error).message}`);
  }
  // With --assets, the asset folder of images the file does not embed.
  const parsed = await openWorkflowFile(text, path, assets);
  if (!parsed.ok) {
    const lines = parsed.errors.map((e) => `  ${formatFileError(e)}`).join('\n');
    throw new BatchExit(EXIT.badInput, `${path} is not a valid workflow:\n${lines}`);
  }
  return { opened: parsed.opened as OpenedWorkflow, sha256: workflowSha256(text) };
}

const exitOf = (e: BatchError) =>
  new BatchExit(e.kind === 'badInput' ? EXIT.badInput : EXIT.graphErrors, e.message);

export async function runBatch(o: BatchOptions): Promise<number> {
  const { io } = o;
  const out = resolve(o.out);
  const { opened, sha256 } = await openWorkflow(o.workflow, o.assets);
  if (o.queue) {
    // A clear message before anything is written.
    try {
      await checkRedis(parseRedisUrl(o.queue), o.queue);
    } catch (e) {
      throw new BatchExit(EXIT.graphErrors, (e as Error).message);
    }
    if (o.servers)
      throw new BatchExit(
        EXIT.badInput,
        '--servers is for the embedded queue; with --queue each server has its own worker: fooocus-flow worker --queue URL --api SERVER',
      );
  }
  let prepared;
  try {
    prepared = await prepareBatch({
      out,
      workflow: opened.workflow,
      workflowPath: resolve(o.workflow),
      workflowSha256: sha256,
      sources: o.sources,
      queue: o.queue,
      retryFailed: o.retryFailed,
      say: (line) => io.stderr.write(`${line}\n`),
    });
  } catch (e) {
    throw e instanceof BatchError ? exitOf(e) : e;
  }
  const all = prepared.store.manifest.items as ManifestItem[];

  let sim: SimEngine | undefined;
  let serverUrls: string[] = [];
  if (o.queue) {
    // Workers run the items, each on its own server.
  } else if (o.servers) serverUrls = o.servers;
  else if (o.env.FOOOCUS_API_URL) serverUrls = [o.env.FOOOCUS_API_URL];
  else {
    sim = await startSimEngine({ port: 0, speed: 0 });
    serverUrls = [sim.url];
    io.stderr.write(`No server given: running on the built-in simulated engine (${sim.url}).\n`);
  }
  const apiKey = o.apiKey ?? (o.servers ? undefined : o.env.FOOOCUS_API_KEY);

  const progress = createBatchProgress(io.stderr);
  const servers = new Map<string, ServerStatus>();
  const pace = { startedAt: Date.now(), doneAtStart: all.filter(isFinished).length };
  const draw = () => {
    const line = formatBatchProgress(all, servers, { ...pace, now: Date.now() });
    progress.update(line, line.replace(/ · ETA \S+/, ''));
  };
  const outcome = await runBatchItems({
    out,
    opened,
    store: prepared.store,
    retried: prepared.retried,
    servers: serverUrls,
    freshServers: sim !== undefined,
    apiKey,
    queue: o.queue,
    maxItemAttempts: o.maxItemAttempts,
    tuning: o.tuning,
    signal: o.signal,
    detach: o.detach,
    say: (line) => progress.say(line),
    changed: draw,
    serverStatus: servers,
  });
  progress.done();
  await sim?.close();

  const count = (s: string) => all.filter((i) => i.state === s).length;
  const summary = `${count('done')} done, ${count('failed')} failed, ${all.length - count('done') - count('failed')} not finished`;
  io.stderr.write(`Batch: ${summary}. Contact sheet: ${resolve(out, 'index.html')}\n`);
  if (outcome.how === 'cancelled') return EXIT_CANCELLED;
  if (!outcome.terminal) {
    io.stderr.write('Every server was taken out; run the same command again once they answer.\n');
    return EXIT.graphErrors;
  }
  return count('failed') > 0 ? EXIT.graphErrors : EXIT.ok;
}
