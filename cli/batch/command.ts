/**
 * `fooocus-flow batch <workflow> --out DIR …` and `fooocus-flow worker --queue redis://… --api URL`:
 * argument parsing, signals and exit codes; the work is in coordinator.ts and server-worker.ts.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { EXIT, type CliIO } from '../io.ts';
import type { TextSink } from '../run-output.ts';
import { bullWorker, checkRedis, connectionOf, parseRedisUrl } from '../../server/batch/bullmq-queue.ts';
import { DEFAULT_ITEM_ATTEMPTS, type ItemQueue } from '../../server/batch/queue.ts';
import { startServerWorker } from '../../server/batch/server-worker.ts';
import { batchTuning } from '../../server/batch/tuning.ts';
import { BatchExit, EXIT_CANCELLED, runBatch } from './run-batch.ts';

export const BATCH_USAGE = `Usage: fooocus-flow batch <workflow.json> --out DIR [options]

Items (lists are matched by position, files sorted by name; one file or value applies to all):
  --input NAME=PATH    a folder, a glob (photos/*.jpg) or one file for the exposed image NAME:
                       one item per file (repeatable)
  --table FILE         items.csv or items.jsonl: one item per row, columns named after exposed
                       parameters (image columns hold file paths, relative to the table)
  --set NAME=VALUE     a value for every item (repeatable)
Where it runs:
  --servers URL[,URL]  FooocusAPI servers, each running one item with one more waiting (default:
                       FOOOCUS_API_URL, or a built-in simulated engine)
  --api-key KEY        sent as X-API-KEY to every server
  --queue redis://HOST:PORT
                       put the items on a BullMQ queue in Redis; each server gets a worker:
                       fooocus-flow worker --queue redis://HOST:PORT --api http://GPU-BOX:7866
Other:
  --attempts N         how often an item may fail before it is recorded as failed (default ${DEFAULT_ITEM_ATTEMPTS})
  --assets DIR         an asset folder for images the workflow file does not embed
  --retry-failed       run the failed items of the batch in DIR again (fresh attempts), keeping
                       the done ones; the items come from DIR/manifest.json, so --input/--table
                       may be left out

DIR gets manifest.json (every item's state), index.html (contact sheet), results.csv and
items/NNNN-name/ with the images. Run the same command again to continue: finished items are kept,
submitted tasks are followed, never sent twice. Ctrl+C stops the running tasks on their servers
(confirmed); Ctrl+C again leaves them running (the next run picks them up).
`;

export const WORKER_USAGE = `Usage: fooocus-flow worker --queue redis://HOST:PORT --api URL [--api-key KEY] [--name NAME]

Takes batch items from the Redis queue and runs them on one FooocusAPI server: one running and
at most one waiting in the server's own queue.
Start one per server. Give --api as the address the batch's coordinator can reach too: it
downloads the images from there. Ctrl+C stops the task in hand (confirmed) and gives the item back.
`;

function pairs(flag: string, items: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new BatchExit(EXIT.badInput, `${flag} needs NAME=VALUE, got "${item}"`);
    const name = item.slice(0, eq);
    if (name in out) throw new BatchExit(EXIT.badInput, `${flag} ${name} is given twice`);
    out[name] = item.slice(eq + 1);
  }
  return out;
}

function httpUrl(flag: string, text: string): string {
  if (!/^https?:\/\/[^/]/.test(text))
    throw new BatchExit(
      EXIT.badInput,
      `${flag} needs http(s) URLs such as http://127.0.0.1:7866, got "${text}"`,
    );
  return text;
}

/** First Ctrl+C (or SIGTERM) → `stop`; a second Ctrl+C → `detach`. */
function signals() {
  const stop = new AbortController();
  const detach = new AbortController();
  const onInt = () => (stop.signal.aborted ? detach.abort() : stop.abort());
  const onTerm = () => stop.abort();
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    stop: stop.signal,
    detach: detach.signal,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

function failWith(io: CliIO, e: unknown): number {
  if (e instanceof BatchExit) {
    io.stderr.write(`${e.message}\n`);
    return e.code;
  }
  io.stderr.write(`fooocus-flow: ${e instanceof Error ? e.message : String(e)}\n`);
  return EXIT.graphErrors;
}

export async function batchCommand(argv: string[], io: CliIO & { stderr: TextSink }): Promise<number> {
  const sig = signals();
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          out: { type: 'string' },
          input: { type: 'string', multiple: true },
          table: { type: 'string' },
          set: { type: 'string', multiple: true },
          servers: { type: 'string' },
          'api-key': { type: 'string' },
          queue: { type: 'string' },
          attempts: { type: 'string' },
          assets: { type: 'string' },
          'retry-failed': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (e) {
      throw new BatchExit(EXIT.badInput, `${(e as Error).message}\n\n${BATCH_USAGE}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(BATCH_USAGE);
      return EXIT.ok;
    }
    if (positionals.length !== 1)
      throw new BatchExit(EXIT.badInput, `Give exactly one workflow file.\n\n${BATCH_USAGE}`);
    if (!values.out)
      throw new BatchExit(EXIT.badInput, `Give the output folder with --out DIR.\n\n${BATCH_USAGE}`);
    const attempts = values.attempts === undefined ? DEFAULT_ITEM_ATTEMPTS : Number(values.attempts);
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100)
      throw new BatchExit(
        EXIT.badInput,
        `--attempts must be a whole number from 1 to 100, got "${values.attempts}"`,
      );
    const servers = values.servers
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => httpUrl('--servers', s));
    if (servers && new Set(servers).size !== servers.length)
      throw new BatchExit(EXIT.badInput, '--servers lists a server twice');
    if (values.queue) {
      try {
        parseRedisUrl(values.queue);
      } catch (e) {
        throw new BatchExit(EXIT.badInput, (e as Error).message);
      }
    }
    return await runBatch({
      workflow: positionals[0]!,
      out: values.out,
      sources: {
        inputs: pairs('--input', values.input),
        table: values.table,
        set: pairs('--set', values.set),
      },
      servers: servers?.length ? servers : undefined,
      apiKey: values['api-key'],
      queue: values.queue,
      assets: values.assets,
      maxItemAttempts: attempts,
      retryFailed: values['retry-failed'],
      io,
      signal: sig.stop,
      detach: sig.detach,
      tuning: batchTuning(),
      env: process.env,
    });
  } catch (e) {
    return failWith(io, e);
  } finally {
    sig.dispose();
  }
}

export async function workerCommand(argv: string[], io: CliIO): Promise<number> {
  const sig = signals();
  try {
    let values;
    try {
      values = parseArgs({
        args: argv,
        strict: true,
        options: {
          queue: { type: 'string' },
          api: { type: 'string' },
          'api-key': { type: 'string' },
          name: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }).values;
    } catch (e) {
      throw new BatchExit(EXIT.badInput, `${(e as Error).message}\n\n${WORKER_USAGE}`);
    }
    if (values.help) {
      io.stdout.write(WORKER_USAGE);
      return EXIT.ok;
    }
    if (!values.queue || !values.api)
      throw new BatchExit(EXIT.badInput, `Give --queue redis://HOST:PORT and --api URL.\n\n${WORKER_USAGE}`);
    let redis;
    try {
      redis = parseRedisUrl(values.queue);
    } catch (e) {
      throw new BatchExit(EXIT.badInput, (e as Error).message);
    }
    const api = httpUrl('--api', values.api);
    const tuning = batchTuning();
    const name = values.name ?? `${hostname()}-${process.pid}`;
    const queue: Pick<ItemQueue, 'worker'> = {
      worker: (n, handler) => bullWorker(connectionOf(redis), tuning.lockMs, n, handler),
    };
    await checkRedis(redis, values.queue);
    const worker = startServerWorker(queue, {
      name,
      server: api,
      apiKey: values['api-key'],
      tuning,
      detach: sig.detach,
      log: (line) => io.stderr.write(`${line}\n`),
      onServerEvent: (e) => io.stderr.write(`server ${e.server}: ${e.message}\n`),
    });
    io.stderr.write(`Worker ${name}: taking batch items from ${values.queue} for ${api}\n`);
    const how = await Promise.race([
      worker.out.then(() => 'out' as const),
      new Promise<'stopped'>((r) => sig.stop.addEventListener('abort', () => r('stopped'), { once: true })),
    ]);
    if (how === 'stopped')
      io.stderr.write(
        'Stopping: the task in hand is stopped on the server, its item goes back to the queue ...\n',
      );
    await worker.close();
    if (how === 'out') {
      io.stderr.write(
        `Worker ${name}: the server was taken out after repeated failures; start the worker again once it answers.\n`,
      );
      return EXIT.graphErrors;
    }
    return EXIT_CANCELLED;
  } catch (e) {
    return failWith(io, e);
  } finally {
    sig.dispose();
  }
}
