/**
 * What `npm start` starts (server/launch.ts), as a page on the network or in the browser sees it:
 * both servers listen on loopback only, and the simulated engine's own port refuses web pages
 * (a cross-origin delete would otherwise go around the app server's guard) while the app server's
 * proxy to it works.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Launched } from '../../server/launch.ts';
import { freePort } from './helpers.ts';

let dir: string;
let launched: Launched;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-launch-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Fooocus Flow</title>');
  launched = await launch(
    {
      PORT: String(await freePort()),
      SIM_PORT: String(await freePort()),
      SIM_SPEED: '0',
      DIST_DIR: dir,
      APP_SETTINGS_FILE: join(dir, 'app-server.json'),
      FOOOCUS_FLOW_WORKFLOWS: join(dir, 'library'),
    },
    () => undefined,
  );
});
afterAll(async () => {
  await launched?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('npm start', () => {
  it('listens on loopback only: the machine’s other addresses are refused', async () => {
    const ports = [new URL(launched.app.url).port, new URL(launched.sim!.url).port].map(Number);
    for (const port of ports) expect(await accepts('127.0.0.1', port)).toBe(true);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    // Every machine this runs on has one in practice (CI: eth0); without one, loopback is all there is.
    for (const host of others) for (const port of ports) expect(await accepts(host, port)).toBe(false);
  });

  it("the simulated engine's own port refuses a web page's delete; the editor's proxy still works", async () => {
    const sim = launched.sim!.url;
    const page = await fetch(`${sim}/tasks?action=delete&query=all`, {
      headers: { origin: 'http://evil.example' },
    });
    expect(page.status).toBe(403);
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    const app = launched.app.url;
    const styles = await fetch(`${app}/api/v1/engines/styles`, {
      headers: { origin: app, 'sec-fetch-site': 'same-origin' },
    });
    expect(styles.status).toBe(200);
    expect(await styles.json()).toHaveLength(279);
  });
});
