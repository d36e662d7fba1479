/**
 * `npm start` (server/start.ts) as a real process: it prints the editor URL and the FooocusAPI it
 * talks to, serves both, and stops cleanly with exit code 0 on SIGTERM. Also `fooocus-flow sim`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer } from '../../server/app-server.ts';
import { runSimCli } from '../../server/sim/main.ts';
import type { SimEngine } from '../../server/sim/index.ts';
import { freePort } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const HAS_EDITOR = existsSync(join(ROOT, 'app', 'index.html'));

let dist: string;
beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'ff-start-'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Fooocus Flow</title>');
});
afterAll(() => rm(dist, { recursive: true, force: true }));

describe('server/start.ts', () => {
  it(
    HAS_EDITOR
      ? 'starts, serves, and exits 0 on SIGTERM'
      : 'serves a dist folder (editor sources not present yet)',
    async () => {
      const [port, simPort] = [await freePort(), await freePort()];
      if (!HAS_EDITOR) {
        const app = await startAppServer({
          port,
          host: '127.0.0.1',
          apiUrl: `http://127.0.0.1:${simPort}`,
          distDir: dist,
        });
        expect(await (await fetch(app.url)).text()).toContain('Fooocus Flow');
        await app.close();
        return;
      }
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(port),
        SIM_PORT: String(simPort),
        SIM_SPEED: '0',
        DIST_DIR: dist,
      };
      delete env.FOOOCUS_API_URL;
      delete env.FOOOCUS_API_KEY;
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
        cwd: ROOT,
        env,
        stdio: 'pipe',
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await new Promise<void>((resolve, reject) => {
          const check = () => (out.includes('FooocusAPI:') ? resolve() : undefined);
          child.stdout.on('data', check);
          void exited.then(() => reject(new Error(`start.ts exited early:\n${out}`)));
        });
        expect(out).toContain(`Fooocus Flow: open http://127.0.0.1:${port}`);
        expect(out).toContain(`FooocusAPI: http://127.0.0.1:${simPort} (simulated engine`);
        expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain('Fooocus Flow');
        const styles = (await (
          await fetch(`http://127.0.0.1:${port}/api/v1/engines/styles`)
        ).json()) as string[];
        expect(styles).toHaveLength(279);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  );
});

describe('fooocus-flow sim', () => {
  it('prints the URL, serves, and resolves 0 when stopped', async () => {
    const port = await freePort();
    let out = '';
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (out += s) } };
    let engine: SimEngine | undefined;
    const code = await runSimCli(['--port', String(port), '--speed', '0'], io, {
      onStarted: (e, stop) => {
        engine = e;
        void fetch(`${e.url}/v1/engines/styles`).then(async (res) => {
          expect(res.status).toBe(200);
          await res.arrayBuffer();
          stop();
        });
      },
    });
    expect(code).toBe(0);
    expect(engine?.url).toBe(`http://127.0.0.1:${port}`);
    expect(out).toContain(`FooocusAPI simulator listening on http://127.0.0.1:${port}`);
  });

  it('rejects bad arguments with exit code 2', async () => {
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } };
    expect(await runSimCli(['--port', 'seventy'], io)).toBe(2);
    expect(await runSimCli(['--bogus'], io)).toBe(2);
    expect(err).toContain('usage: fooocus-flow sim');
  });
});
