/**
 * One run of the simulated engine, from start to close() or kill(): its state, its fake GPU worker
 * and its node:http server (browser refusal, test-control routes, injected faults, dispatch).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STOCK_LORAS, STOCK_MODELS } from './catalog.ts';
import type { EngineConfig } from './engine-options.ts';
import { buildRoutes } from './engine-routes.ts';
import { HistoryDb } from './history.ts';
import { pythonLocalIso } from './openapi.ts';
import {
  isPreflight,
  sendJson,
  sendPreflight,
  sendServerError,
  simpleCorsHeaders,
  type Ctx,
} from './http.ts';
import { armDrop, takeDrop } from './reply-faults.ts';
import { dispatch, type Route } from './router.ts';
import type { SimState } from './state.ts';
import { CurrentTask } from './tasks.ts';
import { handleTestControl, isTestControlPath, type TestControl } from './test-control.ts';
import { Ticker } from './ticker.ts';
import { SimWorker } from './worker.ts';

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

/** One run of the engine, from start to close() or kill(). */
export interface EngineRun {
  sim: SimState;
  port: number;
  stop(): Promise<void>;
}

export async function startRun(
  config: EngineConfig,
  port: number,
  control: TestControl | null,
): Promise<EngineRun> {
  const { opts, dataDir } = config;
  const stopped = new AbortController();
  const abandoned = new Promise<void>((resolve) => stopped.signal.addEventListener('abort', () => resolve()));
  // Microseconds, like Python's datetime: two runs of the engine never share a start-up stamp.
  const startedMicros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
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
    startedAt: Math.floor(startedMicros / 1000),
    startedIso: pythonLocalIso(startedMicros),
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
