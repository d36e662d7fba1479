/**
 * The app server holds the FooocusAPI key, so only its own pages may use /api (server/app/guard.ts):
 * other origins, other sites on localhost and DNS-rebinding host names get a 403 JSON reply, no
 * proxied reply carries CORS headers, and the bulk delete needs a custom header. The editor's own
 * client path (same origin, `createFooocusClient({ baseUrl: '/api' })`) keeps working.
 */
import { createFooocusClient } from '../../api/index.ts';
import { startAppServer, type AppServer } from '../../server/app-server.ts';
import type { SimEngine } from '../../server/sim/index.ts';
import { generate, postJson, rawRequest, type RawReply } from './helpers.ts';
import { startAppFixture } from './helpers.ts';

let fx: Awaited<ReturnType<typeof startAppFixture>>;
let sim: SimEngine;
let app: AppServer;
let keyed: AppServer;
let dist: string;

beforeAll(async () => {
  fx = await startAppFixture('ff-guard-');
  ({ sim, app, keyed, dist } = fx);
});
afterAll(() => fx.close());
afterEach(() => sim.setApiKey(undefined));

const get = (path: string, headers: Record<string, string> = {}, base = app.url) =>
  rawRequest(base, { path, headers: { accept: 'application/json', ...headers } });

function expectRefused(r: RawReply, pattern: RegExp) {
  expect(r.status).toBe(403);
  expect(r.headers['content-type']).toBe('application/json');
  const body = JSON.parse(r.body.toString()) as { detail: string };
  expect(body.detail).toMatch(/^Refused by the Fooocus Flow app server: /);
  expect(body.detail).toMatch(pattern);
}

async function historyCount(): Promise<number> {
  const r = await get('/api/tasks?query=history&page_size=100');
  return (JSON.parse(r.body.toString()) as { history: unknown[] }).history.length;
}

const DELETE_ALL = () => {
  const iso = (t: number) => new Date(t).toISOString().slice(0, 19);
  return `start_at=${iso(Date.now() - 86_400_000)}&end_at=${iso(Date.now() + 86_400_000)}`;
};

describe('other web pages cannot act with the server-side key', () => {
  it('refuses a foreign Origin (and Origin: null) with a clear 403, even with the key held by the server', async () => {
    sim.setApiKey('server-key');
    const own = await postJson(keyed.url, '/api/v1/engine/generate/', {
      prompt: 'secret prompt',
      performance_selection: 'Lightning',
    });
    expect(own.status).toBe(200);
    expect((await get('/api/tasks?query=history', {}, keyed.url)).body.toString()).toContain('secret prompt');
    for (const origin of [
      'https://evil.example',
      'null',
      'http://127.0.0.1:1',
      `http://localhost:${app.port}`,
    ]) {
      const r = await get('/api/tasks?query=history', { origin }, keyed.url);
      expectRefused(r, /other web pages/);
      expect(r.body.toString()).not.toContain('secret prompt');
    }
    const post = await rawRequest(keyed.url, {
      method: 'POST',
      path: '/api/v1/engine/generate/',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain', accept: 'application/json' },
      body: '{"prompt":"x"}',
    });
    expectRefused(post, /Origin https:\/\/evil\.example/);
  });

  it('refuses Sec-Fetch-Site cross-site and same-site; allows same-origin, none and no header', async () => {
    for (const site of ['cross-site', 'same-site']) {
      expectRefused(await get('/api/v1/engines/styles', { 'sec-fetch-site': site }), /Sec-Fetch-Site/);
    }
    const allowed: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      {},
    ];
    for (const headers of allowed) {
      expect((await get('/api/v1/engines/styles', headers)).status).toBe(200);
    }
    // The app's own origin, as a browser sends it on a POST from the editor.
    const own = await postJson(
      app.url,
      '/api/v1/engine/generate/',
      { performance_selection: 'Lightning' },
      { origin: app.url, 'sec-fetch-site': 'same-origin' },
    );
    expect(own.status).toBe(200);
  });

  it('refuses Host names that are not this server (DNS rebinding), on every path', async () => {
    for (const path of ['/api/tasks?query=history', '/app/config', '/']) {
      for (const h of [`evil.example:${app.port}`, 'evil.example', `127.0.0.1:${app.port + 1}`]) {
        const r = await get(path, { host: h });
        expectRefused(r, /Host header/);
      }
    }
    // The loopback names of the address it listens on are all fine.
    for (const h of [
      `127.0.0.1:${app.port}`,
      `localhost:${app.port}`,
      `LOCALHOST:${app.port}`,
      `[::1]:${app.port}`,
    ]) {
      expect((await get('/api/v1/engines/styles', { host: h })).status).toBe(200);
      expect((await get('/app/config', { host: h })).status).toBe(200);
    }
    // Opened as http://localhost:PORT, the editor's Origin is that.
    const viaLocalhost = await get('/api/v1/engines/styles', {
      host: `localhost:${app.port}`,
      origin: `http://localhost:${app.port}`,
    });
    expect(viaLocalhost.status).toBe(200);
  });

  it('strips the upstream access-control-* headers from proxied replies', async () => {
    // FooocusAPI itself answers with `access-control-allow-origin: *` to any Origin.
    const direct = await get('/v1/engines/styles', { origin: app.url }, sim.url);
    expect(direct.headers['access-control-allow-origin']).toBe('*');
    const proxied = await get('/api/v1/engines/styles', { origin: app.url });
    expect(proxied.status).toBe(200);
    expect(Object.keys(proxied.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const redirect = await rawRequest(app.url, {
      method: 'POST',
      path: '/api/v1/engine/generate',
      headers: { origin: app.url },
      body: '{}',
    });
    expect(redirect.status).toBe(307);
    expect(Object.keys(redirect.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('refuses the bulk delete without X-Fooocus-Flow: 1, in every spelling; deletes with it', async () => {
    await generate(sim.url, { performance_selection: 'Lightning' });
    const before = await historyCount();
    expect(before).toBeGreaterThan(0);
    const q = DELETE_ALL();
    for (const path of [
      `/api/tasks?action=delete&${q}`,
      `/api/tasks?ACTION=DELETE&${q}`,
      `/api/tasks?action=Delete&${q}`,
      `/api/tasks?%61ction=delete&${q}`,
      `/api/tasks?query=history&action=%64elete&${q}`,
    ]) {
      expectRefused(await get(path), /X-Fooocus-Flow: 1/);
      expectRefused(await get(path, { 'x-fooocus-flow': 'yes' }), /X-Fooocus-Flow: 1/);
    }
    const head = await rawRequest(app.url, { method: 'HEAD', path: `/api/tasks?action=delete&${q}` });
    expect(head.status).toBe(403);
    expect(await historyCount()).toBe(before);

    const ok = await get(`/api/tasks?action=delete&${q}`, { 'x-fooocus-flow': '1' });
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('null');
    expect(await historyCount()).toBe(0);
    // The custom header does not help a foreign page.
    expectRefused(
      await get(`/api/tasks?action=delete&${q}`, { 'x-fooocus-flow': '1', origin: 'https://evil.example' }),
      /other web pages/,
    );
  });

  it('keeps the editor path working: /app/config and the API client on /api, as a same-origin page', async () => {
    // What a browser adds to the editor's requests: Sec-Fetch-Site always, Origin on POSTs.
    const browserFetch: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('sec-fetch-site', 'same-origin');
      if ((init?.method ?? 'GET') !== 'GET') headers.set('origin', app.url);
      return fetch(input, { ...init, headers });
    };
    const config = (await (await browserFetch(`${keyed.url}/app/config`)).json()) as { apiBase: string };
    expect(config.apiBase).toBe('/api');

    const client = createFooocusClient({ baseUrl: new URL('/api', app.url).href, fetch: browserFetch });
    expect(await client.listStyles()).toHaveLength(279);
    const result = await client.run(
      { performance_selection: 'Lightning', image_number: 2 },
      { intervalMs: 5 },
    );
    expect(result.images).toHaveLength(2);
    const img = await browserFetch(result.images[0]!.url);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    const streamed = await client.run({ performance_selection: 'Lightning' }, { mode: 'stream' });
    expect(streamed.images).toHaveLength(1);
  });

  it('trusts the extra origins it is given (e.g. the Vite dev server proxying /api)', async () => {
    const dev = await startAppServer({
      port: 0,
      host: '127.0.0.1',
      apiUrl: sim.url,
      distDir: dist,
      trustedOrigins: ['http://localhost:5173'],
    });
    try {
      const viaVite = await rawRequest(dev.url, {
        method: 'POST',
        path: '/api/v1/engine/control?action=skip',
        headers: {
          host: 'localhost:5173',
          origin: 'http://localhost:5173',
          'sec-fetch-site': 'same-origin',
          accept: 'application/json',
        },
      });
      expect(viaVite.status).toBe(200);
      expectRefused(
        await get('/api/v1/engines/styles', { origin: 'http://localhost:5174' }, dev.url),
        /Origin/,
      );
    } finally {
      await dev.close();
    }
  });
});
