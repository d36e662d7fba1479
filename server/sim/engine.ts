/**
 * The simulated FooocusAPI v3 server: a real node:http server with the routes, auth, CORS and reply
 * formats of the real one (contract §7 checklist) and a fake GPU worker that writes real images.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { STOCK_LORAS, STOCK_MODELS } from './catalog.ts';
import { FaultQueue, type SimFault } from './faults.ts';
import {
  isPreflight,
  redirect,
  sendPreflight,
  sendServerError,
  simpleCorsHeaders,
  type Ctx,
} from './http.ts';
import { dumpPyJson } from './pyjson.ts';
import { dispatch, route, type Route } from './router.ts';
import { handleGenerate } from './routes/generate.ts';
import {
  handleAllModels,
  handleControl,
  handleInput,
  handleOutput,
  handleStyles,
  handleTask,
  handleTasks,
} from './routes/query.ts';
import { handleDescribe, handleGenerateMask } from './routes/tools.ts';
import type { SimState } from './state.ts';
import { finalRecord, TaskStore, type TaskEntry } from './tasks.ts';
import { SimWorker } from './worker.ts';
import { isLoopbackHost } from './images.ts';

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  apiKey: z.string().min(1).optional(),
  speed: z.number().min(0).default(0),
  dataDir: z.string().min(1).optional(),
  /** Checkpoints and LoRAs the fake install has (defaults: the stock files). */
  models: z.array(z.string()).optional(),
  loras: z.array(z.string()).optional(),
  /** Fetch http(s) image URLs from any host; by default only loopback hosts are fetched. */
  allowRemoteFetch: z.boolean().default(false),
});

export type SimEngineOptions = z.input<typeof optionsSchema>;

export interface SimEngine {
  /** e.g. http://127.0.0.1:7866 */
  url: string;
  port: number;
  dataDir: string;
  close(): Promise<void>;
  /** Milliseconds per simulated sampling step (0 = as fast as possible). */
  setSpeed(ms: number): void;
  setApiKey(key: string | undefined): void;
  /** Test-only fault injection (see faults.ts); not reachable over HTTP. */
  inject(fault: SimFault): void;
}

const DOCS_HTML = `<!doctype html><html><head><title>FooocusAPI (simulated)</title></head><body>
<h1>FooocusAPI v3 — simulated engine</h1><p>Fooocus Flow's stand-in for a GPU server. Routes:</p><ul>
<li>POST /v1/engine/generate/</li><li>POST /v1/engine/control?action=stop|skip</li><li>GET /tasks, /tasks/{task_id}</li>
<li>GET /outputs/{dir}/{file}, /inputs/{file}</li><li>GET /v1/engines/all-models, /v1/engines/styles</li>
<li>POST /v1/tools/describe-image, /v1/tools/generate_mask</li></ul></body></html>`;

function buildRoutes(sim: SimState): Route[] {
  return [
    route('POST', '/v1/engine/generate/', (ctx) => handleGenerate(ctx, sim)),
    route('POST', '/v1/engine/control', (ctx) => handleControl(ctx, sim)),
    route('GET', '/tasks', (ctx) => handleTasks(ctx, sim)),
    route('GET', '/tasks/{task_id}', (ctx, [id]) => handleTask(ctx, sim, id!)),
    route('GET', '/outputs/{dir_name}/{file_name}', (ctx, [dir, file]) =>
      handleOutput(ctx, sim, dir!, file!),
    ),
    route('GET', '/inputs/{file_name}', (ctx, [file]) => handleInput(ctx, sim, file!)),
    route('GET', '/v1/engines/all-models', (ctx) => handleAllModels(ctx, sim)),
    route('GET', '/v1/engines/styles', (ctx) => handleStyles(ctx, sim)),
    route('POST', '/v1/tools/describe-image', (ctx) => handleDescribe(ctx, sim)),
    route('POST', '/v1/tools/generate_mask', (ctx) => handleGenerateMask(ctx, sim)),
    route('GET', '/', (ctx) => redirect(ctx, '/docs')),
    route('GET', '/docs', (ctx) => {
      ctx.res.writeHead(200, { ...ctx.cors, 'content-type': 'text/html; charset=utf-8' }).end(DOCS_HTML);
    }),
  ];
}

/** Webhook (§5.6): the record JSON, encoded a second time as a JSON string. Loopback unless allowed. */
async function fireWebhook(entry: TaskEntry, allowRemote: boolean): Promise<void> {
  if (!entry.webhookUrl) return;
  try {
    const url = new URL(entry.webhookUrl);
    if (!allowRemote && !isLoopbackHost(url.hostname)) return;
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: dumpPyJson(dumpPyJson(finalRecord(entry))),
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    // errors are only logged upstream
  }
}

/**
 * Temp data folders of engines still open. A process that ends without close() (process.exit,
 * an uncaught error) still removes them; only SIGKILL leaves one behind.
 */
const openTempDirs = new Set<string>();
let exitHookInstalled = false;

function removeOnExit(dir: string): void {
  openTempDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const d of openTempDirs) rmSync(d, { recursive: true, force: true });
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startSimEngine(options: SimEngineOptions = {}): Promise<SimEngine> {
  const opts = optionsSchema.parse(options);
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'fooocus-sim-')));
  if (ownsDataDir) removeOnExit(dataDir);
  await mkdir(join(dataDir, 'outputs'), { recursive: true });
  await mkdir(join(dataDir, 'inputs'), { recursive: true });
  let closed = false;
  const sim: SimState = {
    dataDir,
    apiKey: opts.apiKey,
    speed: opts.speed,
    baseUrl: '',
    store: new TaskStore(),
    worker: undefined as unknown as SimWorker,
    faults: new FaultQueue(),
    fetchPolicy: { allowRemote: opts.allowRemoteFetch },
    models: opts.models ?? STOCK_MODELS,
    loras: opts.loras ?? STOCK_LORAS,
    startedAt: Date.now(),
  };
  sim.worker = new SimWorker({
    dataDir,
    baseUrl: () => sim.baseUrl,
    speed: () => sim.speed,
    models: sim.models,
    onFinished: (entry) => void fireWebhook(entry, opts.allowRemoteFetch),
    closed: () => closed,
  });
  const routes = buildRoutes(sim);

  const server = createServer((req, res) => {
    const ctx: Ctx = {
      req,
      res,
      url: new URL(req.url ?? '/', 'http://sim.invalid'),
      cors: simpleCorsHeaders(req),
    };
    const run = async () => {
      const delay = sim.faults.take('delay-reply-ms');
      if (delay) await new Promise((r) => setTimeout(r, delay.ms));
      if (isPreflight(req)) return sendPreflight(ctx);
      await dispatch(ctx, routes);
    };
    run().catch((err: unknown) => {
      // A client that hangs up mid-body is not a server error worth logging.
      if (req.destroyed || (err as NodeJS.ErrnoException).code === 'ECONNRESET') return res.destroy();
      console.error('[sim] request failed:', err);
      sendServerError(ctx);
    });
  });
  try {
    await listen(server, opts.port, opts.host);
  } catch (err) {
    closed = true;
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    openTempDirs.delete(dataDir);
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const publicHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  const hostPart = publicHost.includes(':') ? `[${publicHost}]` : publicHost;
  sim.baseUrl = `http://${hostPart}:${port}`;

  return {
    url: sim.baseUrl,
    port,
    dataDir,
    setSpeed: (ms) => {
      sim.speed = Math.max(0, ms);
    },
    setApiKey: (key) => {
      sim.apiKey = key || undefined;
    },
    inject: (fault) => sim.faults.inject(fault),
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // The worker abandons its task at its next step; wait for that so no late write re-creates
      // the folder after it is removed (bounded: a stuck render does not hold up the exit).
      await Promise.race([sim.worker.idle(), new Promise((r) => setTimeout(r, 5000).unref())]);
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
      openTempDirs.delete(dataDir);
    },
  };
}
