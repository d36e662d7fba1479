/**
 * The app server's own defences: security headers on every reply, header allow-lists in both
 * directions of the proxy, a 413 for oversized bodies, and slow clients cut off. The upstream is a
 * plain HTTP server that records what it receives and answers with headers a hostile or careless
 * FooocusAPI could send.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer, type AppServer } from '../../server/app-server.ts';

let upstream: Server;
let upstreamUrl: string;
let seen: IncomingHttpHeaders[] = [];
let app: AppServer;
let dist: string;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/v1/engine/control')) {
        res.writeHead(307, { location: 'http://evil.example/steal' }).end();
        return;
      }
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'set-cookie': 'session=upstream; Path=/',
          'access-control-allow-origin': '*',
          'x-powered-by': 'uvicorn',
          'www-authenticate': 'Basic realm="x"',
          'cache-control': 'no-store',
        })
        .end('["Fooocus V2"]');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  dist = await mkdtemp(join(tmpdir(), 'ff-sec-'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Fooocus Flow</title>');
  app = await startAppServer({
    port: 0,
    host: '127.0.0.1',
    apiUrl: upstreamUrl,
    distDir: dist,
    headersTimeoutMs: 300,
    requestTimeoutMs: 300,
    maxBodyBytes: 1024,
  });
});
afterAll(async () => {
  await app.close();
  await new Promise<void>((r) => upstream.close(() => r()));
  await rm(dist, { recursive: true, force: true });
});
beforeEach(() => {
  seen = [];
});

const base = () => app.url;

describe('security headers', () => {
  it('are on every reply: static, config, proxied, refused, not found, 413', async () => {
    const replies = [
      await fetch(`${base()}/`),
      await fetch(`${base()}/some/client/route`),
      await fetch(`${base()}/missing.js`),
      await fetch(`${base()}/app/config`),
      await fetch(`${base()}/api/v1/engines/styles`),
      await fetch(`${base()}/api/not-fooocus`),
      await fetch(`${base()}/api/v1/engines/styles`, { headers: { origin: 'http://evil.example' } }),
      await fetch(`${base()}/api/v1/engine/generate/`, { method: 'POST', body: 'x'.repeat(4096) }),
    ];
    expect(replies.map((r) => r.status)).toEqual([200, 200, 404, 200, 200, 404, 403, 413]);
    for (const r of replies) {
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(`img-src 'self' data: blob: ${upstreamUrl}`);
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});

describe('proxy header allow-lists', () => {
  it('passes only what a JSON API needs to FooocusAPI', async () => {
    const r = await fetch(`${base()}/api/v1/engines/styles`, {
      headers: {
        authorization: 'Bearer user-secret',
        cookie: 'editor=1',
        'x-forwarded-for': '10.1.2.3',
        'x-real-ip': '10.1.2.3',
        'x-api-key': 'typed-in-editor',
        'accept-language': 'zh-CN',
        'x-anything': 'y',
      },
    });
    expect(r.status).toBe(200);
    const h = seen[0]!;
    for (const name of [
      'authorization',
      'cookie',
      'x-forwarded-for',
      'x-real-ip',
      'x-anything',
      'accept-encoding',
    ])
      expect(h[name], name).toBeUndefined();
    expect(h['accept-language']).toBe('zh-CN');
    // No key on this server: the key typed in the editor is the one FooocusAPI gets.
    expect(h['x-api-key']).toBe('typed-in-editor');
  });

  it('passes only what describes the body back to the browser', async () => {
    const r = await fetch(`${base()}/api/v1/engines/styles`);
    expect(await r.json()).toEqual(['Fooocus V2']);
    expect(r.headers.get('set-cookie')).toBeNull();
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(r.headers.get('x-powered-by')).toBeNull();
    expect(r.headers.get('www-authenticate')).toBeNull();
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('drops a redirect that leaves the API', async () => {
    const r = await fetch(`${base()}/api/v1/engine/control?action=stop`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(r.status).toBe(307);
    expect(r.headers.get('location')).toBeNull();
  });
});

describe('limits', () => {
  it('answers 413 with the limit for a body over it, and forwards nothing', async () => {
    const r = await fetch(`${base()}/api/v1/engine/generate/`, { method: 'POST', body: 'x'.repeat(4096) });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { detail: string }).detail).toMatch(/larger than .* MB/);
    expect(seen).toHaveLength(0);
  });

  it('cuts off a client that never finishes its headers (slowloris)', async () => {
    const port = Number(new URL(base()).port);
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n');
    // The server closes the connection by itself (408 or a plain close): wait for that state.
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(reply === '' || reply.startsWith('HTTP/1.1 408')).toBe(true);
  });
});

describe('the simulated engine that npm start runs', () => {
  it('refuses requests from web pages and serves the CLI and the app server', async () => {
    const { startSimEngine } = await import('../../server/sim/index.ts');
    const sim = await startSimEngine({ port: 0, refuseBrowsers: true });
    try {
      const fromPage: Record<string, string>[] = [
        { origin: 'http://evil.example' },
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site' },
      ];
      for (const headers of fromPage) {
        const r = await fetch(`${sim.url}/tasks?action=delete&query=all`, { headers });
        expect(r.status, JSON.stringify(headers)).toBe(403);
        expect(r.headers.get('access-control-allow-origin')).toBeNull();
        const post = await fetch(`${sim.url}/v1/engine/generate/`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
          body: '{"prompt":"x","async_process":true}',
        });
        expect(post.status).toBe(403);
      }
      // The CLI sends neither header; the app server's proxy drops both (allow-list).
      expect((await fetch(`${sim.url}/v1/engines/styles`)).status).toBe(200);
      const proxied = await startAppServer({ port: 0, host: '127.0.0.1', apiUrl: sim.url, distDir: dist });
      try {
        const r = await fetch(`${proxied.url}/api/v1/engines/styles`, {
          headers: { origin: proxied.url, 'sec-fetch-site': 'same-origin' },
        });
        expect(r.status).toBe(200);
      } finally {
        await proxied.close();
      }
    } finally {
      await sim.close();
    }
  });
});
