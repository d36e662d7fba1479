/**
 * The simulated FooocusAPI v3 server: a real node:http server with the routes, auth, CORS and reply
 * formats of the real one (contract §7 checklist) and a fake GPU worker that writes real images.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { STOCK_LORAS, STOCK_MODELS } from './catalog.ts';
import { FaultQueue, GENERATE_PATH, pathMatches, type FaultHandle, type SimFault } from './faults.ts';
import { HistoryDb } from './history.ts';
import { HoldRegistry, type Hold, type HoldSpec } from './holds.ts';
import {
  isPreflight,
  redirect,
  sendJson,
  sendPreflight,
  sendServerError,
  simpleCorsHeaders,
  type Ctx,
} from './http.ts';
import { openApiDocument } from './openapi.ts';
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
import { CurrentTask } from './tasks.ts';
import { Ticker } from './ticker.ts';
import {
  handleTestControl,
  isTestControlPath,
  type SimEngineState,
  type TestControl,
} from './test-control.ts';

export type { SimEngineState } from './test-control.ts';
import { SimWorker } from './worker.ts';

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  apiKey: z.string().min(1).optional(),
  speed: z.number().min(0).default(0),
  /** ms between two reads of a task's worker updates by its drainer; upstream sleeps 0.2 s. */
  tickMs: z.number().min(0).default(200),
  /** sse-starlette's `: ping` comment interval on open streams. */
  ssePingMs: z.number().min(1).default(15_000),
  /** Drainers move only when the test calls `tick()` (deterministic races); tickMs is then unused. */
  manualTick: z.boolean().default(false),
  dataDir: z.string().min(1).optional(),
  /** Checkpoints and LoRAs the fake install has (defaults: the stock files). */
  models: z.array(z.string()).optional(),
  loras: z.array(z.string()).optional(),
  /** Fetch http(s) image URLs from any host; by default only loopback hosts are fetched. */
  allowRemoteFetch: z.boolean().default(false),
  /** Serve the test-control routes under /__sim/ (holds, faults, restart, state). Tests only. */
  testControl: z.boolean().default(false),
  /**
   * Refuse every request a web browser makes (it carries `Origin` or a `Sec-Fetch-Site` other than
   * `none`). `npm start` sets it: the editor reaches this engine only through the app server, whose
   * proxy sends neither header, so a page on another site cannot use this port to submit tasks or
   * bulk-delete the history (FooocusAPI itself answers any origin with `*`). CLI clients pass.
   */
  refuseBrowsers: z.boolean().default(false),
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
  /** Test-only fault injection (see faults.ts); over HTTP only with `testControl`. */
  inject(fault: SimFault): FaultHandle;
  /** Test-only: pause a task at a sampling step until released (see holds.ts). */
  hold(spec: HoldSpec): Hold;
  /** Test-only: release every hold (clean-up between tests). */
  releaseHolds(): void;
  /**
   * Test-only, with `manualTick: true`: every waiting drainer reads one update; resolves with how
   * many moved once they all rest again.
   */
  tick(): Promise<number>;
  /**
   * Test-only crash: every connection is cut, the in-flight task is lost (its row stays null, like
   * rows of queued tasks), files already written stay. History survives, as SQLite does.
   */
  kill(): Promise<void>;
  /** Starts again on the same port and data folder after kill() (kills first if still running). */
  restart(): Promise<void>;
  state(): SimEngineState;
}

const DOCS_HTML = `<!doctype html><html><head><title>FooocusAPI (simulated)</title></head><body>
<h1>FooocusAPI v3 — simulated engine</h1><p>Fooocus Flow's stand-in for a GPU server. Routes:</p><ul>
<li>POST /v1/engine/generate/</li><li>POST /v1/engine/control?action=stop|skip</li><li>GET /tasks, /tasks/{task_id}</li>
<li>GET /outputs/{dir}/{file}, /inputs/{file}</li><li>GET /v1/engines/all-models, /v1/engines/styles</li>
<li>POST /v1/tools/describe-image, /v1/tools/generate_mask</li></ul></body></html>`;

function buildRoutes(sim: SimState, routesRef: { all: Route[] }): Route[] {
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
    // FastAPI's own routes answer HEAD too; its API routes do not (405).
    route(
      'GET',
      '/docs',
      (ctx) => {
        ctx.res.writeHead(200, { ...ctx.cors, 'content-type': 'text/html; charset=utf-8' }).end(DOCS_HTML);
      },
      { head: true },
    ),
    route('GET', '/openapi.json', (ctx) => sendJson(ctx, 200, openApiDocument(routesRef.all)), {
      head: true,
    }),
  ];
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

/** A request a web page made: browsers send `Origin` on cross-origin requests and Sec-Fetch-Site on all. */
function fromBrowser(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return req.headers.origin !== undefined || (site !== undefined && site !== 'none');
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

/** Arms a `drop-before-reply`/`drop-poll` fault: whatever reply the route writes destroys the socket. */
function armDrop(ctx: Ctx, fire: () => void): void {
  const { res } = ctx;
  ctx.dropReply = () => {
    if (res.destroyed) return;
    res.destroy();
    fire();
  };
  res.writeHead = (() => {
    ctx.dropReply!();
    return res;
  }) as unknown as typeof res.writeHead;
  res.flushHeaders = () => ctx.dropReply!();
}

function takeDrop(faults: FaultQueue, req: IncomingMessage, path: string) {
  const drop = faults.take('drop-before-reply', (f) => pathMatches(f.path ?? GENERATE_PATH, path), {
    fire: false,
  });
  if (drop) return drop;
  if (req.method === 'GET' && /^\/tasks\/[^/]+$/.test(path))
    return faults.take('drop-poll', () => true, { fire: false });
  return undefined;
}

/** Settings shared by every run of the engine (they survive kill/restart). */
interface EngineConfig {
  opts: z.output<typeof optionsSchema>;
  dataDir: string;
  faults: FaultQueue;
  holds: HoldRegistry;
  speed: number;
  apiKey: string | undefined;
}

/** One run of the engine, from start to close() or kill(). */
interface EngineRun {
  sim: SimState;
  port: number;
  stop(): Promise<void>;
}

async function startRun(config: EngineConfig, port: number, control: TestControl | null): Promise<EngineRun> {
  const { opts, dataDir } = config;
  const stopped = new AbortController();
  const abandoned = new Promise<void>((resolve) => stopped.signal.addEventListener('abort', () => resolve()));
  const sim: SimState = {
    dataDir,
    get apiKey() {
      return config.apiKey;
    },
    set apiKey(key) {
      config.apiKey = key;
    },
    get speed() {
      return config.speed;
    },
    set speed(ms) {
      config.speed = ms;
    },
    ticker: new Ticker(opts.tickMs, opts.manualTick),
    draining: new Set(),
    ssePingMs: opts.ssePingMs,
    baseUrl: '',
    history: new HistoryDb(dataDir),
    current: new CurrentTask(),
    worker: undefined as unknown as SimWorker,
    faults: config.faults,
    fetchPolicy: { allowRemote: opts.allowRemoteFetch },
    models: opts.models ?? STOCK_MODELS,
    loras: opts.loras ?? STOCK_LORAS,
    startedAt: Date.now(),
    signal: stopped.signal,
  };
  sim.worker = new SimWorker({
    dataDir,
    speed: () => config.speed,
    models: sim.models,
    holds: config.holds,
    closed: () => stopped.signal.aborted,
    abandoned,
  });
  const routesRef: { all: Route[] } = { all: [] };
  routesRef.all = buildRoutes(sim, routesRef);

  const server = createServer((req, res) => {
    const ctx: Ctx = {
      req,
      res,
      url: new URL(req.url ?? '/', 'http://sim.invalid'),
      cors: simpleCorsHeaders(req),
    };
    const path = ctx.url.pathname;
    if (config.opts.refuseBrowsers && fromBrowser(req)) {
      // No CORS headers either: the page may not even read the refusal.
      return sendJson({ ...ctx, cors: {} }, 403, {
        detail:
          'This simulated engine serves the Fooocus Flow app server only: open the editor (npm start prints its address) or use the CLI.',
      });
    }
    const run = async () => {
      if (control && isTestControlPath(path)) return handleTestControl(ctx, control);
      await config.faults.stallGate();
      const delay = config.faults.take('delay-reply-ms');
      if (delay) await new Promise((r) => setTimeout(r, delay.fault.ms));
      const drop = takeDrop(config.faults, req, path);
      if (drop) armDrop(ctx, drop.fire);
      if (isPreflight(req)) return sendPreflight(ctx);
      await dispatch(ctx, routesRef.all);
    };
    run().catch((err: unknown) => {
      // A client that hangs up mid-body is not a server error worth logging.
      if (req.destroyed || (err as NodeJS.ErrnoException).code === 'ECONNRESET') return res.destroy();
      console.error('[sim] request failed:', err);
      sendServerError(ctx);
    });
  });
  try {
    await listen(server, port, opts.host);
  } catch (err) {
    stopped.abort('start failed');
    throw err;
  }
  const actualPort = (server.address() as AddressInfo).port;
  const publicHost = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  const hostPart = publicHost.includes(':') ? `[${publicHost}]` : publicHost;
  sim.baseUrl = `http://${hostPart}:${actualPort}`;

  return {
    sim,
    port: actualPort,
    stop: async () => {
      if (stopped.signal.aborted) return;
      stopped.abort('engine stopped');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // The worker abandons its task at its next step; wait for that so no late write lands after
      // this returns (bounded: a stuck render does not hold up the exit).
      await Promise.race([sim.worker.idle(), new Promise((r) => setTimeout(r, 5000).unref())]);
    },
  };
}

export async function startSimEngine(options: SimEngineOptions = {}): Promise<SimEngine> {
  const opts = optionsSchema.parse(options);
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'fooocus-sim-')));
  if (ownsDataDir) removeOnExit(dataDir);
  await mkdir(join(dataDir, 'outputs'), { recursive: true });
  await mkdir(join(dataDir, 'inputs'), { recursive: true });
  const config: EngineConfig = {
    opts,
    dataDir,
    faults: new FaultQueue(),
    holds: new HoldRegistry(),
    speed: opts.speed,
    apiKey: opts.apiKey,
  };
  let boot = 1;
  let closed = false;
  let current: EngineRun | null = null;

  const state = (): SimEngineState => {
    const sim = current?.sim;
    return {
      boot,
      running: current !== null,
      queued: sim ? [...sim.worker.queuedIds()] : [],
      working: sim?.worker.working()?.taskId ?? null,
      current: sim?.current.ct?.entry.taskId ?? null,
      stopAsked: sim?.current.ct?.entry.control.stop ?? false,
      draining: sim ? [...sim.draining] : [],
      stalledRequests: config.faults.stalledRequests,
      holds: config.holds.info(),
      faults: config.faults.info(),
    };
  };
  const kill = async () => {
    const run = current;
    current = null;
    await run?.stop();
  };
  const restart = async () => {
    if (closed) throw new Error('the engine is closed');
    await kill();
    current = await startRun(config, engine.port, control);
    boot++;
  };
  const control: TestControl | null = opts.testControl
    ? { holds: config.holds, faults: config.faults, restart, state }
    : null;

  try {
    current = await startRun(config, opts.port, control);
  } catch (err) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    openTempDirs.delete(dataDir);
    throw err;
  }

  const engine: SimEngine = {
    url: current.sim.baseUrl,
    port: current.port,
    dataDir,
    setSpeed: (ms) => {
      config.speed = Math.max(0, ms);
    },
    setApiKey: (key) => {
      config.apiKey = key || undefined;
    },
    inject: (fault) => config.faults.inject(fault),
    hold: (spec) => config.holds.add(spec),
    releaseHolds: () => config.holds.releaseAll(),
    tick: async () => {
      if (!current) throw new Error('the engine is not running');
      return current.sim.ticker.tick();
    },
    kill,
    restart,
    state,
    close: async () => {
      if (closed) return;
      closed = true;
      config.holds.releaseAll();
      config.faults.inject({ kind: 'clear' });
      await kill();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
      openTempDirs.delete(dataDir);
    },
  };
  return engine;
}
