/**
 * The Fooocus Flow app server: the built editor from dist/, a narrow proxy from /api/<path> to the
 * one FooocusAPI configured at start-up, and /app/config telling the editor how it is wired.
 * Only this server's own pages may use /api (and the key it adds): see the rule in app/guard.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { decideProxy } from './app/allowed-paths.ts';
import { createGuard, type Guard } from './app/guard.ts';
import { forward, MAX_PROXY_BODY_BYTES, type ProxyTarget } from './app/proxy.ts';
import { applySecurityHeaders, securityHeaders } from './app/security-headers.ts';
import { checkTargetChange, createTargetStore, TARGET_PATH, targetBodySchema } from './app/api-target.ts';
import { serveStatic } from './app/static.ts';
import { createBatchRegistry } from './batch-app/batch-registry.ts';
import { BATCH_PATH, handleBatches } from './batch-app/batch-routes.ts';
import { handleLibrary, LIBRARY_PATH } from './library/library-routes.ts';
import { LibraryStore } from './library/library-store.ts';

export const API_PREFIX = '/api';
export const CONFIG_PATH = '/app/config';

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(7870),
  host: z.string().min(1).default('127.0.0.1'),
  /** The FooocusAPI base URL, e.g. http://127.0.0.1:7866 (a path prefix is kept). */
  apiUrl: z
    .string()
    .url()
    .refine((u) => /^https?:$/.test(new URL(u).protocol), 'apiUrl must be http(s)')
    .refine((u) => !new URL(u).username && !new URL(u).password, 'apiUrl must not carry credentials'),
  apiKey: z.string().min(1).optional(),
  distDir: z.string().min(1),
  /**
   * Other origins whose pages may use /api, e.g. the Vite dev server that proxies /api here
   * (`http://localhost:5173`). This server's own origin is always allowed.
   */
  trustedOrigins: z
    .array(
      z
        .string()
        .url()
        .refine((u) => /^https?:$/.test(new URL(u).protocol), 'trusted origins must be http(s)'),
    )
    .default([]),
  /**
   * Also forward `/api/__sim/*` to the simulated engine's test-control routes (holds, faults,
   * restart). Only for browser tests: `npm start` turns it on with SIM_TEST_CONTROL=1.
   */
  forwardTestControl: z.boolean().default(false),
  /**
   * Slow clients: a request's headers must arrive within this time, its whole body within
   * `requestTimeoutMs`, and an idle kept-alive connection is closed after `keepAliveTimeoutMs`
   * (a slowloris holding hundreds of half-sent requests open is cut off).
   */
  headersTimeoutMs: z.number().int().positive().default(15_000),
  requestTimeoutMs: z.number().int().positive().default(120_000),
  keepAliveTimeoutMs: z.number().int().positive().default(5_000),
  /** The workflow library's folder (server/library/); without it /app/workflows answers 404. */
  libraryDir: z.string().min(1).optional(),
  /** Where "Run as batch…" keeps its batches (server/batch-app/); without it /app/batches answers 404. */
  batchDir: z.string().min(1).optional(),
  /** Largest /api request body forwarded (413 beyond). */
  maxBodyBytes: z.number().int().positive().default(MAX_PROXY_BODY_BYTES),
  /**
   * The address to forward to at start, when it differs from `apiUrl` (one saved from Settings).
   * `apiKey` is only ever sent to `apiUrl`.
   */
  startApiUrl: z.string().optional(),
  /** Where a target changed from Settings is saved (read back by launch.ts); none: not saved. */
  settingsFile: z.string().min(1).optional(),
});

export type AppServerOptions = z.input<typeof optionsSchema>;

export interface AppServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** What GET /app/config tells the editor (never the key itself). */
export interface AppConfig {
  apiBase: string;
  apiOrigin: string;
  serverHoldsKey: boolean;
  /** ms per sampling step of the simulated engine this server started; null for a real FooocusAPI. */
  simSpeed: number | null;
  /** Sent back as X-Fooocus-Flow-Token to change the address (POST /app/target); same-origin readers only. */
  targetToken: string;
}

/** The simulated engine `npm start` runs, when it runs one: its speed can be set from the editor. */
export interface SimulatorControl {
  getSpeed(): number;
  setSpeed(ms: number): void;
}

export const SIM_SPEED_PATH = '/app/sim-speed';
const simSpeedBody = z.object({ ms: z.number().min(0).max(5000) });

function sendJson(res: import('node:http').ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    })
    .end(body);
}

export async function startAppServer(
  options: AppServerOptions,
  simulator?: SimulatorControl,
): Promise<AppServer> {
  const opts = optionsSchema.parse(options);
  const targets = createTargetStore({
    startUrl: opts.startApiUrl ?? opts.apiUrl,
    keyUrl: opts.apiUrl,
    apiKey: opts.apiKey,
    settingsFile: opts.settingsFile,
  });
  /** The proxy's one target, as it is now (Settings may have replaced it). */
  const proxyTarget = (): ProxyTarget => {
    const t = targets.current();
    return { ...t, prefix: API_PREFIX, maxBodyBytes: opts.maxBodyBytes };
  };
  let headers = securityHeaders(targets.current().origin);
  const library = opts.libraryDir ? new LibraryStore(opts.libraryDir) : null;
  // Batches run on the FooocusAPI the proxy forwards to now (the key only goes to the start-up address).
  const batches = opts.batchDir
    ? createBatchRegistry(opts.batchDir, () => {
        const t = targets.current();
        return { url: `${t.origin}${t.basePath}`, apiKey: t.apiKey };
      })
    : null;
  const config = (): AppConfig => {
    const t = targets.current();
    return {
      apiBase: API_PREFIX,
      apiOrigin: `${t.origin}${t.basePath}`,
      serverHoldsKey: t.apiKey !== undefined,
      simSpeed: simulator ? simulator.getSpeed() : null,
      targetToken: targets.token,
    };
  };

  // Built on the first request: the port is known by then (port 0 picks one at listen()).
  let guard: Guard | undefined;
  const guardFor = (srv: Server) =>
    (guard ??= createGuard(opts.host, (srv.address() as AddressInfo).port, opts.trustedOrigins));
  const refuse = (res: import('node:http').ServerResponse, status: number, reason: string) =>
    sendJson(res, status, { detail: `Refused by the Fooocus Flow app server: ${reason}.` });

  // Node enforces the header/request time limits when it checks connections: every second, not every 30 s.
  const checkEvery = Math.min(1000, opts.headersTimeoutMs);
  const server: Server = createServer({ connectionsCheckingInterval: checkEvery }, (req, res) => {
    applySecurityHeaders(res, headers);
    const rawUrl = req.url ?? '/';
    const method = req.method ?? 'GET';
    const hostCheck = guardFor(server).check(req, null);
    if (!hostCheck.ok) return refuse(res, hostCheck.status, hostCheck.reason);
    if (rawUrl === CONFIG_PATH || rawUrl.startsWith(`${CONFIG_PATH}?`)) return sendJson(res, 200, config());
    if (rawUrl === TARGET_PATH) {
      const own = new Set([
        `http://${(req.headers.host ?? '').toLowerCase()}`,
        ...opts.trustedOrigins.map((o) => new URL(o).origin),
      ]);
      const allowed = checkTargetChange(req, own, targets.token);
      if (!allowed.ok) return refuse(res, allowed.status, allowed.reason);
      if (method !== 'POST') return sendJson(res, 405, { detail: 'Method Not Allowed' });
      void readSmallJson(req).then(async (body) => {
        const parsed = targetBodySchema.safeParse(body);
        if (!parsed.success)
          return sendJson(res, 422, {
            detail: parsed.error.issues[0]?.message ?? 'Send {"url": "http://host:port"}.',
          });
        try {
          await targets.set(parsed.data.url);
        } catch (err) {
          return sendJson(res, 500, { detail: `The address could not be saved: ${(err as Error).message}` });
        }
        headers = securityHeaders(targets.current().origin);
        sendJson(res, 200, config());
      });
      return;
    }
    if (rawUrl === SIM_SPEED_PATH) {
      // Same rules as /api: only the editor's own pages may change it.
      const allowed = guardFor(server).check(req, { path: SIM_SPEED_PATH, query: '' });
      if (!allowed.ok) return refuse(res, allowed.status, allowed.reason);
      if (method !== 'POST') return sendJson(res, 405, { detail: 'Method Not Allowed' });
      if (!simulator)
        return sendJson(res, 409, {
          detail: 'This app server talks to a real FooocusAPI, not the simulated engine.',
        });
      void readSmallJson(req).then((body) => {
        const parsed = simSpeedBody.safeParse(body);
        if (!parsed.success)
          return sendJson(res, 422, { detail: 'Send {"ms": number of milliseconds per step, 0–5000}.' });
        simulator.setSpeed(parsed.data.ms);
        sendJson(res, 200, config());
      });
      return;
    }
    if (
      rawUrl === LIBRARY_PATH ||
      rawUrl.startsWith(`${LIBRARY_PATH}/`) ||
      rawUrl.startsWith(`${LIBRARY_PATH}?`)
    ) {
      // Same rules as /api: only the editor's own pages may read or change the library.
      const allowed = guardFor(server).check(req, { path: LIBRARY_PATH, query: '' });
      if (!allowed.ok) return refuse(res, allowed.status, allowed.reason);
      if (!library) return sendJson(res, 404, { detail: 'This app server keeps no workflow library.' });
      void handleLibrary(req, res, library, sendJson);
      return;
    }
    if (rawUrl === BATCH_PATH || rawUrl.startsWith(`${BATCH_PATH}/`) || rawUrl.startsWith(`${BATCH_PATH}?`)) {
      // Same rules as /api: only the editor's own pages may start, read or download batches.
      const allowed = guardFor(server).check(req, { path: BATCH_PATH, query: '' });
      if (!allowed.ok) return refuse(res, allowed.status, allowed.reason);
      if (!batches) return sendJson(res, 404, { detail: 'This app server keeps no batches.' });
      void handleBatches(req, res, batches, sendJson);
      return;
    }
    if (rawUrl === API_PREFIX || rawUrl.startsWith(`${API_PREFIX}/`) || rawUrl.startsWith(`${API_PREFIX}?`)) {
      const decision = decideProxy(method, rawUrl, API_PREFIX, { testControl: opts.forwardTestControl });
      if (!decision.ok)
        return sendJson(res, decision.status, {
          detail: `Refused by the Fooocus Flow proxy: ${decision.reason}. Only FooocusAPI paths are forwarded.`,
        });
      const allowed = guardFor(server).check(req, decision);
      if (!allowed.ok) return refuse(res, allowed.status, allowed.reason);
      return forward(req, res, proxyTarget(), decision.path, decision.query);
    }
    if (!rawUrl.startsWith('/') || rawUrl.startsWith('//'))
      return sendJson(res, 400, {
        detail: 'Absolute request targets are not accepted: this is not a proxy.',
      });
    serveStatic(req, res, opts.distDir).catch((err: unknown) => {
      console.error('[app] static error:', err);
      if (!res.headersSent) sendJson(res, 500, { detail: 'internal error' });
      else res.destroy();
    });
  });
  server.headersTimeout = opts.headersTimeoutMs;
  server.requestTimeout = Math.max(opts.requestTimeoutMs, opts.headersTimeoutMs);
  server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: async () => {
      // Running batches stop their tasks first (confirmed); their manifests let them resume.
      await batches?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Reads a small JSON body (the sim-speed setting); anything unreadable becomes null. */
async function readSmallJson(req: import('node:http').IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 4096) return null;
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
