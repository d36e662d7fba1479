/**
 * The FooocusAPI address can be changed from the editor's Settings: only by the editor's own page
 * (Origin, Sec-Fetch-Site, the per-process token), only to an http(s) address, the proxy keeps one
 * target (the new one), the start-up key never goes to another address, and the choice is saved.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer, type AppServer } from '../../server/app-server.ts';
import { readSavedTarget } from '../../server/app/api-target.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { rawRequest } from './helpers.ts';

let sim: SimEngine;
let app: AppServer;
let dir: string;
let other: Server;
let otherUrl: string;
/** What the second server saw: path and the X-API-KEY it was sent. */
const seen: { path: string; key: string | undefined }[] = [];

beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 0, apiKey: 'server-key' });
  dir = await mkdtemp(join(tmpdir(), 'ff-target-'));
  other = createServer((req, res) => {
    seen.push({ path: req.url ?? '', key: req.headers['x-api-key'] as string | undefined });
    res.writeHead(200, { 'content-type': 'application/json' }).end('["Other Style"]');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  app = await startAppServer({
    port: 0,
    host: '127.0.0.1',
    apiUrl: sim.url,
    apiKey: 'server-key',
    distDir: dir,
    settingsFile: join(dir, 'settings', 'app-server.json'),
  });
});
afterAll(async () => {
  await Promise.all([app.close(), sim.close(), new Promise((r) => other.close(r))]);
  await rm(dir, { recursive: true, force: true });
});

const config = async () =>
  (await (await fetch(`${app.url}/app/config`)).json()) as {
    apiOrigin: string;
    serverHoldsKey: boolean;
    targetToken: string;
  };

function change(body: unknown, headers: Record<string, string>) {
  return rawRequest(app.url, {
    method: 'POST',
    path: '/app/target',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('changing the FooocusAPI address', () => {
  it('is refused without the editor origin, from another site, or without the token', async () => {
    const { targetToken } = await config();
    const own = app.url;
    const cases: Record<string, string>[] = [
      { 'x-fooocus-flow-token': targetToken }, // the CLI or curl: no Origin
      { origin: 'http://evil.example', 'x-fooocus-flow-token': targetToken },
      { origin: own, 'sec-fetch-site': 'cross-site', 'x-fooocus-flow-token': targetToken },
      { origin: own, 'sec-fetch-site': 'same-site', 'x-fooocus-flow-token': targetToken },
      { origin: own }, // no token
      { origin: own, 'x-fooocus-flow-token': `${targetToken}x` },
    ];
    for (const h of cases) {
      const res = await change({ url: otherUrl }, h);
      expect(res.status, JSON.stringify(h)).toBe(403);
    }
    expect((await config()).apiOrigin).toBe(sim.url);
  });

  it('accepts only an http(s) address without credentials', async () => {
    const { targetToken } = await config();
    const h = { origin: app.url, 'sec-fetch-site': 'same-origin', 'x-fooocus-flow-token': targetToken };
    for (const url of [
      'file:///etc/passwd',
      'ftp://x.example',
      'http://u:p@x.example',
      'not a url',
      'http://x/?a=1',
    ])
      expect((await change({ url }, h)).status, url).toBe(422);
    expect((await change({ url: otherUrl, extra: 1 }, h)).status).toBe(422);
    expect((await config()).apiOrigin).toBe(sim.url);
  });

  it('switches the one target, never sends the start-up key elsewhere, and is saved', async () => {
    const { targetToken } = await config();
    const h = { origin: app.url, 'sec-fetch-site': 'same-origin', 'x-fooocus-flow-token': targetToken };
    const res = await change({ url: `${otherUrl}/` }, h);
    expect(res.status).toBe(200);
    const cfg = await config();
    expect(cfg.apiOrigin).toBe(otherUrl);
    expect(cfg.serverHoldsKey).toBe(false);
    const styles = await fetch(`${app.url}/api/v1/engines/styles`);
    expect(await styles.json()).toEqual(['Other Style']);
    expect(seen.at(-1)).toEqual({ path: '/v1/engines/styles', key: undefined });
    expect(await readSavedTarget(join(dir, 'settings', 'app-server.json'))).toBe(otherUrl);
    expect(JSON.parse(await readFile(join(dir, 'settings', 'app-server.json'), 'utf8'))).toEqual({
      apiUrl: otherUrl,
    });
    // Back to the server the key was given for: the key is added again.
    expect((await change({ url: sim.url }, h)).status).toBe(200);
    expect((await config()).serverHoldsKey).toBe(true);
    const back = await fetch(`${app.url}/api/v1/engines/styles`);
    expect(back.status).toBe(200);
    expect(((await back.json()) as string[]).length).toBeGreaterThan(100);
  });

  it('a restarted app server starts with the saved address', async () => {
    const file = join(dir, 'saved.json');
    const first = await startAppServer({ port: 0, apiUrl: sim.url, distDir: dir, settingsFile: file });
    const token = ((await (await fetch(`${first.url}/app/config`)).json()) as { targetToken: string })
      .targetToken;
    const res = await rawRequest(first.url, {
      method: 'POST',
      path: '/app/target',
      headers: { 'content-type': 'application/json', origin: first.url, 'x-fooocus-flow-token': token },
      body: JSON.stringify({ url: otherUrl }),
    });
    expect(res.status).toBe(200);
    await first.close();
    const saved = await readSavedTarget(file);
    const second = await startAppServer({
      port: 0,
      apiUrl: sim.url,
      startApiUrl: saved,
      distDir: dir,
      settingsFile: file,
    });
    const cfg = (await (await fetch(`${second.url}/app/config`)).json()) as {
      apiOrigin: string;
      targetToken: string;
    };
    expect(cfg.apiOrigin).toBe(otherUrl);
    // A new process, a new token.
    expect(cfg.targetToken).not.toBe(token);
    await second.close();
  });
});
