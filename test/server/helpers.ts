/** Shared helpers of the server tests: real HTTP on 127.0.0.1, small generated PNGs, image sizes. */
import { request } from 'node:http';
import { createServer } from 'node:net';
import sharp from 'sharp';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer } from '../../server/app-server.ts';
import { startSimEngine } from '../../server/sim/index.ts';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw node:http request: nothing normalises the path, and no default Accept is added. */
export function rawRequest(
  url: string,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawReply> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: opts.method ?? 'GET',
        path: opts.path ?? u.pathname + u.search,
        headers: opts.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

export function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Sync generate: the finished task record. */
export async function generate(base: string, body: Record<string, unknown>): Promise<TaskRecord> {
  const res = await postJson(base, '/v1/engine/generate/', { performance_selection: 'Lightning', ...body });
  if (res.status !== 200) throw new Error(`generate → ${res.status}: ${await res.text()}`);
  return (await res.json()) as TaskRecord;
}

export interface TaskRecord {
  id: number;
  task_id: string;
  req_params: Record<string, unknown>;
  in_queue_mills: number;
  start_mills: number | null;
  finish_mills: number | null;
  task_status: string | null;
  progress: number | null;
  preview?: string | null;
  webhook_url: string;
  result: string[] | null;
}

export async function pngDataUrl(width: number, height: number, colour = '#3366cc'): Promise<string> {
  const png = await sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** A black mask with a white rectangle in the middle (the part to repaint). */
export async function maskDataUrl(width: number, height: number, paint = true): Promise<string> {
  const base = sharp({ create: { width, height, channels: 3, background: '#000000' } });
  const rect = await sharp({
    create: {
      width: Math.max(1, width >> 2),
      height: Math.max(1, height >> 2),
      channels: 3,
      background: '#ffffff',
    },
  })
    .png()
    .toBuffer();
  const png = await (paint ? base.composite([{ input: rect, left: width >> 2, top: height >> 2 }]) : base)
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

export async function sizesOf(urls: string[]): Promise<{ width: number; height: number; format: string }[]> {
  const out = [];
  for (const url of urls) {
    const res = await fetch(url, { headers: { accept: '*/*' } });
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    out.push({ width: meta.width!, height: meta.height!, format: meta.format });
  }
  return out;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  limitMs = 15000,
): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A simulated engine behind two app servers (one holding the key "server-key") serving a stub
 * editor from a temp dist folder: the fixture of the app-server tests.
 */
export async function startAppFixture(prefix: string) {
  const sim = await startSimEngine({ port: 0, speed: 0, tickMs: 0 });
  const dist = await mkdtemp(join(tmpdir(), prefix));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Fooocus Flow</title>');
  await writeFile(join(dist, 'assets', 'app.js'), 'console.log(1)');
  const app = await startAppServer({ port: 0, host: '127.0.0.1', apiUrl: sim.url, distDir: dist });
  const keyed = await startAppServer({
    port: 0,
    host: '127.0.0.1',
    apiUrl: sim.url,
    apiKey: 'server-key',
    distDir: dist,
  });
  return {
    sim,
    app,
    keyed,
    dist,
    close: async () => {
      await Promise.all([app.close(), keyed.close(), sim.close()]);
      await rm(dist, { recursive: true, force: true });
    },
  };
}

/** Between tests: release holds, drop faults, and wait until the worker has nothing left to play. */
export async function settle(sim: import('../../server/sim/index.ts').SimEngine): Promise<void> {
  sim.releaseHolds();
  sim.inject({ kind: 'clear' });
  await waitFor(async () => {
    const s = sim.state();
    return s.working === null && s.queued.length === 0 ? true : undefined;
  }, 'an idle worker');
}

/** Reads an SSE reply event by event (sse-starlette framing: `data: <json>\r\ndata: \r\n\r\n`). */
export async function* sseEvents(res: Response): AsyncGenerator<Record<string, unknown>> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch {
      return; // the connection was cut
    }
    if (chunk.done) return;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 4);
      if (frame.startsWith('data: '))
        yield JSON.parse(frame.split('\r\n')[0]!.slice(6)) as Record<string, unknown>;
    }
  }
}

/**
 * What the batch route tests share: a temp folder with a stub editor and a batch folder, the batch
 * engine's quick test tuning (restored by `cleanup`), and the routes' URL and POST helpers once the
 * app server is up.
 */
export async function batchRouteFixture(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const batchDir = join(dir, 'batches');
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  const savedTuning = process.env.FOOOCUS_FLOW_BATCH_TUNING;
  process.env.FOOOCUS_FLOW_BATCH_TUNING = JSON.stringify({
    intervalMs: 20,
    queueCheckMs: 50,
    readBackoffMs: 20,
  });
  return {
    dir,
    batchDir,
    routes: (appUrl: string) => {
      const url = (path: string) => `${appUrl}/app/batches${path}`;
      const post = (path: string, body?: unknown) =>
        fetch(url(path), { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
      return { url, post };
    },
    cleanup: async () => {
      if (savedTuning === undefined) delete process.env.FOOOCUS_FLOW_BATCH_TUNING;
      else process.env.FOOOCUS_FLOW_BATCH_TUNING = savedTuning;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
