/**
 * The app server against a real simulator: only FooocusAPI paths are forwarded, no request can pick
 * another host or escape the API path, the server-side key is added, SSE streams through, and the
 * built editor is served with an SPA fallback and no path traversal.
 */
import { bootStampOf } from '../../api/server-boot.ts';
import { startAppServer, type AppServer } from '../../server/app-server.ts';
import type { SimEngine } from '../../server/sim/index.ts';
import { postJson, rawRequest } from './helpers.ts';
import { startAppFixture } from './helpers.ts';

let fx: Awaited<ReturnType<typeof startAppFixture>>;
let sim: SimEngine;
let app: AppServer;
let keyed: AppServer;
let dist: string;

beforeAll(async () => {
  fx = await startAppFixture('ff-dist-');
  ({ sim, app, keyed, dist } = fx);
});
afterAll(() => fx.close());
afterEach(() => sim.setApiKey(undefined));

describe('proxy', () => {
  it('forwards FooocusAPI paths', async () => {
    const styles = (await (await fetch(`${app.url}/api/v1/engines/styles`)).json()) as string[];
    expect(styles).toHaveLength(279);
    const tasks = (await (await fetch(`${app.url}/api/tasks?query=history`)).json()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(tasks)).toEqual(['history', 'current', 'pending']);
    expect(await (await fetch(`${app.url}/api/tasks/0123456789abcdef0123456789abcdef`)).json()).toEqual([]);
    const gen = await postJson(app.url, '/api/v1/engine/generate/', { performance_selection: 'Lightning' });
    const rec = (await gen.json()) as { result: string[] };
    const output = new URL(rec.result[0]!).pathname;
    const img = await fetch(`${app.url}/api${output}`);
    expect(img.headers.get('content-type')).toBe('image/png');
  });

  it("forwards GET /openapi.json, so the editor can read the server's start-up stamp", async () => {
    const res = await fetch(`${app.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(bootStampOf(await res.json())).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await fetch(`${app.url}/api/openapi.json`, { method: 'POST' })).status).toBe(405);
  });

  it('maps the upstream 307 back under /api', async () => {
    const r = await rawRequest(app.url, { method: 'POST', path: '/api/v1/engine/generate', body: '{}' });
    expect(r.status).toBe(307);
    expect(r.headers.location).toBe('/api/v1/engine/generate/');
  });

  it('refuses everything else with a clear JSON 404', async () => {
    for (const path of ['/api/docs', '/api/redoc', '/api/', '/api/v1/engine/other', '/api']) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { detail: string }).detail).toMatch(
        /Only FooocusAPI paths are forwarded/,
      );
    }
    expect((await fetch(`${app.url}/api/v1/engines/styles`, { method: 'POST' })).status).toBe(405);
  });

  it('cannot be turned into an open proxy or climb out of the API path', async () => {
    const attempts = [
      '/api//evil.example/v1/engines/styles',
      '/api/../v1/engines/styles',
      '/api/v1/engines/../../etc/passwd',
      '/api/%2e%2e/tasks',
      '/api/outputs/..%2f..%2f/x.png',
      '/api/v1/engines/styles%2F..',
      '/api/\\evil.example/tasks',
      'http://evil.example/api/v1/engines/styles',
      '//evil.example/api/tasks',
    ];
    for (const path of attempts) {
      const r = await rawRequest(app.url, { path, headers: { accept: '*/*' } });
      expect([400, 404]).toContain(r.status);
      expect(r.body.toString()).not.toContain('Fooocus V2');
    }
  });

  it('adds the server-side key and replaces a client-sent one; passes the client key through otherwise', async () => {
    sim.setApiKey('server-key');
    expect((await fetch(`${keyed.url}/api/v1/engines/styles`)).status).toBe(200);
    expect(
      (await fetch(`${keyed.url}/api/v1/engines/styles`, { headers: { 'x-api-key': 'wrong' } })).status,
    ).toBe(200);
    expect((await fetch(`${app.url}/api/v1/engines/styles`)).status).toBe(403);
    expect(
      (await fetch(`${app.url}/api/v1/engines/styles`, { headers: { 'x-api-key': 'server-key' } })).status,
    ).toBe(200);
  });

  it('streams SSE through', async () => {
    const res = await postJson(app.url, '/api/v1/engine/generate/', {
      stream_output: true,
      performance_selection: 'Lightning',
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: \{"progress": /);
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toContain('"message": "Finished"');
  });

  it('reports an unreachable FooocusAPI as 502', async () => {
    const dead = await startAppServer({
      port: 0,
      host: '127.0.0.1',
      apiUrl: 'http://127.0.0.1:9',
      distDir: dist,
    });
    const res = await fetch(`${dead.url}/api/v1/engines/styles`);
    expect(res.status).toBe(502);
    await dead.close();
  });

  it('/app/config tells the editor where the API is and whether the server holds a key', async () => {
    expect(await (await fetch(`${app.url}/app/config`)).json()).toEqual({
      apiBase: '/api',
      apiOrigin: sim.url,
      serverHoldsKey: false,
      simSpeed: null,
      // The per-process token that lets the editor (and only it) change the address: see app-target.test.ts.
      targetToken: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
    const config = (await (await fetch(`${keyed.url}/app/config`)).json()) as Record<string, unknown>;
    expect(config.serverHoldsKey).toBe(true);
    expect(JSON.stringify(config)).not.toContain('server-key');
  });
});

describe('static editor', () => {
  it('serves files, falls back to index.html for client routes, 404s missing assets', async () => {
    expect(await (await fetch(`${app.url}/`)).text()).toContain('Fooocus Flow');
    expect(await (await fetch(`${app.url}/workflows/42`)).text()).toContain('Fooocus Flow');
    const js = await fetch(`${app.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${app.url}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves files outside dist', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/..%5cpackage.json',
    ]) {
      const r = await rawRequest(app.url, { path });
      expect(r.body.toString()).not.toContain('"name"');
      expect([400, 403, 404]).toContain(r.status);
    }
  });
});

describe('simulated engine speed', () => {
  it('is reported in /app/config and can be set by the editor, not by other pages', async () => {
    const speeds: number[] = [];
    const control = { getSpeed: () => speeds.at(-1) ?? 40, setSpeed: (ms: number) => void speeds.push(ms) };
    const withSim = await startAppServer(
      { port: 0, host: '127.0.0.1', apiUrl: sim.url, distDir: dist },
      control,
    );
    try {
      const before = (await (await fetch(`${withSim.url}/app/config`)).json()) as { simSpeed: number };
      expect(before.simSpeed).toBe(40);
      const foreign = await postJson(
        withSim.url,
        '/app/sim-speed',
        { ms: 0 },
        { origin: 'https://evil.example' },
      );
      expect(foreign.status).toBe(403);
      expect(speeds).toEqual([]);
      const bad = await postJson(withSim.url, '/app/sim-speed', { ms: -5 });
      expect(bad.status).toBe(422);
      const ok = await postJson(withSim.url, '/app/sim-speed', { ms: 5 }, { origin: withSim.url });
      expect(ok.status).toBe(200);
      expect(speeds).toEqual([5]);
      const after = (await (await fetch(`${withSim.url}/app/config`)).json()) as { simSpeed: number };
      expect(after.simSpeed).toBe(5);
    } finally {
      await withSim.close();
    }
  });

  it('is null with a real FooocusAPI, and setting it says why it cannot', async () => {
    const config = (await (await fetch(`${app.url}/app/config`)).json()) as { simSpeed: number | null };
    expect(config.simSpeed).toBeNull();
    const r = await postJson(app.url, '/app/sim-speed', { ms: 5 });
    expect(r.status).toBe(409);
  });
});
