/** Shared pieces of the batch tests: a one-image workflow, photo folders, child processes, Redis. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { serializeWorkflow } from '../../../compiler/workflow-file/index.ts';
import { GraphBuilder } from '../../../nodes/build.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** Input Image → Vary (Strong) → Output, exposing `image` and `prompt`. */
export async function writeVaryWorkflow(dir: string, opts: { exposeCount?: boolean } = {}): Promise<string> {
  const b = new GraphBuilder();
  const s = b.add('promptSettings', { prompt: 'a photo', performance_selection: 'Lightning' });
  const img = b.add('inputImage', {}, 'Photo');
  const vary = b.add('vary', { method: 'Vary (Strong)' });
  const out = b.add('output');
  b.wire(img, vary).wire(vary, out);
  const wf = b.build('Vary batch');
  wf.exposed = [
    { nodeId: img, param: 'image', name: 'image' },
    { nodeId: s, param: 'prompt', name: 'prompt' },
    ...(opts.exposeCount ? [{ nodeId: s, param: 'image_number', name: 'count' }] : []),
  ];
  const path = join(dir, 'vary.json');
  await writeFile(path, serializeWorkflow(wf));
  return path;
}

/** `count` small PNGs of distinct colours in `dir/photos`. */
export async function writePhotos(dir: string, count: number, name = 'photos'): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    await sharp({
      create: {
        width: 96,
        height: 64,
        channels: 3,
        background: { r: (i * 37) % 256, g: 150, b: (i * 11) % 256 },
      },
    })
      .png()
      .toFile(join(folder, `p${String(i).padStart(2, '0')}.png`));
  }
  return folder;
}

const made: string[] = [];
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ff-batch-'));
  made.push(dir);
  return dir;
}
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface Proc {
  child: ChildProcess;
  out: { text: string };
  exited: Promise<number | null>;
}

/** `fooocus-flow ARGS` as a child process (the real CLI), with its output kept. */
export function spawnCli(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [join(ROOT, 'cli/bin.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { text: '' };
  child.stdout!.on('data', (d: Buffer) => (out.text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.text += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out, exited };
}

/** Re-reads `read()` until `ok` holds: waiting for a state another process writes, never a fixed sleep. */
export async function waitFor<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  limitMs = 60_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ManifestView {
  items: {
    id: string;
    label: string;
    state: string;
    server?: string;
    worker?: string;
    taskId?: string;
    files?: string[];
    error?: string;
  }[];
}

export async function readManifestFile(out: string): Promise<ManifestView> {
  return JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as ManifestView;
}

/** A real redis-server on a free port with its own temp folder; `stop()` kills it. */
export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = await tempDir();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      if (/Ready to accept connections/i.test(log)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${log}`)));
    child.on('error', reject);
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      const gone = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
  };
}
