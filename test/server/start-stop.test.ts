/**
 * `npm start` as process managers see it: SIGTERM, SIGINT or even SIGKILL to the npm process (not to
 * node) stops
 * both servers and leaves no `server/start.ts` behind; a port in use makes it close what it started
 * and exit 1 at once with a PORT=/SIM_PORT= hint. The simulated engine removes its temp data folder
 * when closed, when `fooocus-flow sim` is stopped, and when it cannot start.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { runSimCli } from '../../server/sim/main.ts';
import { freePort, postJson, waitFor } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const POSIX = process.platform !== 'win32';

let dist: string;
beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'ff-stop-'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Fooocus Flow</title>');
});
afterAll(() => rm(dist, { recursive: true, force: true }));

function startEnv(port: number, simPort: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SIM_PORT: String(simPort),
    SIM_SPEED: '0',
    DIST_DIR: dist,
  };
  delete env.FOOOCUS_API_URL;
  delete env.FOOOCUS_API_KEY;
  return env;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

/** pid → [ppid, command line] of every process (POSIX `ps`). */
function processTable(): Map<number, { ppid: number; args: string }> {
  const table = new Map<number, { ppid: number; args: string }>();
  for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' }).split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) table.set(Number(m[1]), { ppid: Number(m[2]), args: m[3]! });
  }
  return table;
}

function descendants(root: number): number[] {
  const table = processTable();
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, info] of table)
      if (info.ppid === pid) {
        out.push(child);
        walk(child);
      }
  };
  walk(root);
  return out;
}

function collect(child: ChildProcess): { text: () => string } {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return { text: () => out };
}

/** Rejects after `ms`, so a hang fails the test (and its `finally` still cleans up). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe.runIf(POSIX)('npm start stops whatever is signalled', () => {
  // SIGKILL cannot be forwarded: start.ts notices that npm is gone.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    it(`${signal} to the npm process closes both ports and leaves no server/start.ts`, async () => {
      const [port, simPort] = [await freePort(), await freePort()];
      const npm = spawn('npm', ['start'], { cwd: ROOT, env: startEnv(port, simPort), stdio: 'pipe' });
      const out = collect(npm);
      const exited = exitOf(npm);
      let family: number[] = [];
      try {
        await waitFor(
          async () => (out.text().includes('FooocusAPI:') ? true : undefined),
          'npm start',
          30_000,
        );
        expect(await portOpen(port)).toBe(true);
        expect(await portOpen(simPort)).toBe(true);
        family = descendants(npm.pid!);
        // npm → sh -c "node … server/start.ts" → node … server/start.ts
        const table = processTable();
        const nodes = family.filter((pid) => {
          const args = table.get(pid)?.args ?? '';
          return /(^|\/)node\s/.test(args) && args.includes('server/start.ts');
        });
        expect(nodes).toHaveLength(1);

        npm.kill(signal); // the npm process only, as docker / systemd / `timeout` do
        await within(exited, 10_000, `npm to exit after ${signal}`);
        await waitFor(
          async () => (!(await portOpen(port)) && !(await portOpen(simPort)) ? true : undefined),
          'both ports to close',
          5000,
        );
        await waitFor(
          async () => (family.every((pid) => !processTable().has(pid)) ? true : undefined),
          'the processes npm started to exit',
          5000,
        );
        expect(out.text()).toMatch(/stopping Fooocus Flow/);
      } finally {
        for (const pid of [npm.pid!, ...family])
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
      }
    }, 40_000);
  }
});

describe('a start failure closes what started and exits 1 with a hint', () => {
  for (const taken of ['PORT', 'SIM_PORT'] as const) {
    it(`${taken} in use`, async () => {
      const [port, simPort] = [await freePort(), await freePort()];
      const blocker = await occupy(taken === 'PORT' ? port : simPort);
      const started = Date.now();
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
        cwd: ROOT,
        env: startEnv(port, simPort),
        stdio: 'pipe',
      });
      const out = collect(child);
      const exited = exitOf(child);
      try {
        const code = await within(exited, 15_000, `start.ts to exit with ${taken} in use`);
        expect(code, out.text()).toBe(1);
        expect(Date.now() - started).toBeLessThan(15_000);
        const text = out.text();
        expect(text).toContain('Fooocus Flow could not start');
        expect(text).toContain(`port ${taken === 'PORT' ? port : simPort} on 127.0.0.1 is already in use`);
        expect(text).toMatch(new RegExp(`\\b${taken}=\\d+ npm start`));
        // The other server (the engine, when PORT was taken) was closed again.
        if (taken === 'PORT') expect(await portOpen(simPort)).toBe(false);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        await new Promise((r) => blocker.close(r));
      }
    }, 20_000);
  }
});

describe('the simulated engine removes its temp data folder', () => {
  it('when `fooocus-flow sim` is stopped just before an image is saved (the stop hook stands for SIGINT/SIGTERM)', async () => {
    const port = await freePort();
    const io = { stdout: { write: () => true }, stderr: { write: () => true } };
    let dataDir = '';
    const code = await runSimCli(['--port', String(port), '--speed', '400'], io, {
      onStarted: (engine, stop) => {
        dataDir = engine.dataDir;
        void (async () => {
          // Stop while the worker waits out the "Saving image" step, just before it writes the file.
          const res = await postJson(engine.url, '/v1/engine/generate/', {
            performance_selection: 'Lightning',
            stream_output: true,
          });
          const reader = res.body!.getReader();
          let text = '';
          while (!text.includes('Saving image 1/1')) {
            const chunk = await reader.read();
            if (chunk.done) break;
            text += new TextDecoder().decode(chunk.value);
          }
          stop();
          await reader.cancel().catch(() => undefined);
        })();
      },
    });
    expect(code).toBe(0);
    expect(dataDir).toMatch(/fooocus-sim-/);
    expect(existsSync(dataDir)).toBe(false);
    // Nothing written late (the image of that step) re-creates it.
    await new Promise((r) => setTimeout(r, 600));
    expect(existsSync(dataDir)).toBe(false);
  });

  it('when `fooocus-flow sim` gets SIGTERM (real process)', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['cli/bin.mjs', 'sim', '--port', String(port), '--speed', '0'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    const out = collect(child);
    const exited = exitOf(child);
    try {
      const dataDir = await waitFor(
        async () => /stored in (\S+)/.exec(out.text())?.[1],
        'the data folder line',
        20_000,
      );
      expect(existsSync(dataDir)).toBe(true);
      child.kill('SIGTERM');
      expect(await within(exited, 10_000, 'the simulator to exit')).toBe(0);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);

  it('when it cannot start (port in use), and tells which --port to use', async () => {
    const port = await freePort();
    const blocker = await occupy(port);
    const ownTmp = await mkdtemp(join(tmpdir(), 'ff-simtmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = ownTmp; // os.tmpdir() reads it on each call
    try {
      await expect(startSimEngine({ port })).rejects.toThrow(/EADDRINUSE/);
      expect(await readdir(ownTmp)).toEqual([]);
      let err = '';
      const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } };
      expect(await runSimCli(['--port', String(port)], io)).toBe(1);
      expect(err).toContain(`--port ${port + 1}`);
      expect(await readdir(ownTmp)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      await new Promise((r) => blocker.close(r));
      await rm(ownTmp, { recursive: true, force: true });
    }
  });

  it('when the process exits without close() (process.exit)', () => {
    const script =
      "import { startSimEngine } from './server/sim/index.ts';" +
      'const e = await startSimEngine(); console.log(e.dataDir); process.exit(3);';
    let dataDir = '';
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    } catch (err) {
      const e = err as { status: number; stdout: string };
      expect(e.status).toBe(3);
      dataDir = e.stdout.trim();
    }
    expect(dataDir).toMatch(/fooocus-sim-/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('on close(), but never a --data-dir the user gave', async () => {
    const own: SimEngine = await startSimEngine({ port: 0 });
    expect(existsSync(own.dataDir)).toBe(true);
    await own.close();
    expect(existsSync(own.dataDir)).toBe(false);
    const mine = await mkdtemp(join(tmpdir(), 'ff-userdata-'));
    const given = await startSimEngine({ port: 0, dataDir: mine });
    await given.close();
    expect(existsSync(mine)).toBe(true);
    await rm(mine, { recursive: true, force: true });
  });
});
