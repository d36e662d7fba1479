/**
 * `fooocus-flow run` failures: the right exit code, a message in plain words, and nothing written
 * in --out (no folder, no hidden partial folder beside it).
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../cli/run.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { closedPort, record, sendJson, startFakeServer, STUB, type FakeServer } from '../api/fake-server.ts';
import {
  captureIo,
  listDir,
  nodeOfKind,
  removeTempDirs,
  tempDir,
  writePng,
  writeTemplate,
} from './run-helpers.ts';

let sim: SimEngine;
let fake: FakeServer | undefined;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  sim.inject({ kind: 'clear' });
  sim.setSpeed(0);
  sim.setApiKey(undefined);
  await fake?.close();
  fake = undefined;
  await removeTempDirs();
});

/** Run in a fresh folder holding only the workflow; return the code, the output and what is left. */
async function runIn(
  makeWorkflow: (dir: string) => Promise<string>,
  extraArgs: string[],
  extras: Parameters<typeof runCommand>[2] = {},
) {
  const dir = await tempDir();
  const file = await makeWorkflow(dir);
  const before = await listDir(dir);
  const io = captureIo();
  const code = await runCommand([file, '--out', join(dir, 'out'), ...extraArgs], io, extras);
  const after = await listDir(dir);
  return { code, err: io.stderr.text, out: io.stdout.text, left: after.filter((f) => !before.includes(f)) };
}

const t2i = (dir: string) => writeTemplate(dir, 'text-to-image');

describe('fooocus-flow run: bad input → exit 2', () => {
  it('a file that is not JSON', async () => {
    const r = await runIn(async (dir) => {
      await writeFile(join(dir, 'bad.json'), '{ "nodes": [ }');
      return join(dir, 'bad.json');
    }, []);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad.json is not a valid workflow:\n {2}\(file\): .*not valid JSON/);
    expect(r.left).toEqual([]);
  });

  it('a JSON file that is not a workflow names the JSON path', async () => {
    const r = await runIn(async (dir) => {
      await writeFile(
        join(dir, 'wf.json'),
        JSON.stringify({
          format: 'fooocus-flow/workflow',
          version: 1,
          name: 'x',
          description: '',
          nodes: [{ id: 5 }],
          edges: [],
          exposed: [],
        }),
      );
      return join(dir, 'wf.json');
    }, []);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not a valid workflow:\n {2}nodes\[0\]/);
    expect(r.left).toEqual([]);
  });

  it('a missing file, bad flags, a bad --input file, an unknown --set name', async () => {
    const io = captureIo();
    expect(await runCommand(['/nonexistent/wf.json'], io)).toBe(2);
    expect(io.stderr.text).toMatch(/Cannot read \/nonexistent\/wf.json/);
    expect(await runCommand(['a.json', '--frobnicate'], captureIo())).toBe(2);
    expect(await runCommand([], captureIo())).toBe(2);
    expect(await runCommand(['a.json', '--seed', '-3'], captureIo())).toBe(2);
    expect(await runCommand(['a.json', '--set', 'novalue'], captureIo())).toBe(2);

    const expose = (dir: string) =>
      writeTemplate(dir, 'vary-image-prompt', (wf) => [
        { nodeId: nodeOfKind(wf, 'inputImage', 'Image to vary'), param: 'image', name: 'photo' },
      ]);
    const notImage = await runIn(expose, ['--input', `photo=${join(import.meta.dirname, 'run.test.ts')}`]);
    expect(notImage.code).toBe(2);
    expect(notImage.err).toMatch(/is not a PNG, JPEG or WebP file/);
    const unknown = await runIn(expose, ['--set', 'colour=red']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/"colour" is not an exposed parameter of this workflow \(exposed: photo\)/);
    expect(unknown.left).toEqual([]);
  });

  it('an --out folder that already holds files is refused before anything runs', async () => {
    const dir = await tempDir();
    const file = await t2i(dir);
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'out', 'keep.txt'), 'mine');
    const io = captureIo();
    expect(await runCommand([file, '--out', join(dir, 'out')], io)).toBe(2);
    expect(io.stderr.text).toMatch(/already exists and is not empty/);
    expect(await listDir(join(dir, 'out'))).toEqual(['keep.txt']);
  });
});

describe('fooocus-flow run: graph errors → exit 1', () => {
  it('prints the diagnostics with node ids and sends nothing', async () => {
    const r = await runIn(
      async (dir) => {
        const b = new GraphBuilder();
        b.add('promptSettings');
        const vary = b.add('vary', { method: 'Vary (Strong)' });
        b.wire(vary, b.add('output'));
        await writeFile(join(dir, 'wf.json'), serializeWorkflow(b.build('Vary without an image')));
        return join(dir, 'wf.json');
      },
      ['--api', `http://127.0.0.1:${await closedPort()}`],
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error \S+ \[vary-1/m);
    expect(r.err).toMatch(/nothing was sent/);
    expect(r.left).toEqual([]);
  });
});

describe('fooocus-flow run: run failures → exit 1, nothing written', () => {
  it('server not running', async () => {
    const r = await runIn(t2i, ['--api', `http://127.0.0.1:${await closedPort()}`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Run failed \(network\): Could not reach the Fooocus server/);
    expect(r.left).toEqual([]);
  });

  it('wrong API key', async () => {
    sim.setApiKey('right');
    const r = await runIn(t2i, ['--api', sim.url, '--api-key', 'wrong']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Run failed \(forbidden\).*API key/);
    expect(r.left).toEqual([]);
  });

  it('a 500', async () => {
    sim.inject({ kind: 'http-500-next' });
    const r = await runIn(t2i, ['--api', sim.url]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Run failed \(server\)/);
    expect(r.left).toEqual([]);
  });

  it('a task that finishes empty', async () => {
    sim.inject({ kind: 'finish-empty-next' });
    const r = await runIn(t2i, ['--api', sim.url]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Run failed \(empty-result\): .*unknown style|style name/);
    expect(r.left).toEqual([]);
  });

  it('a stream cut mid-way', async () => {
    sim.inject({ kind: 'cut-stream-after', events: 4 });
    const r = await runIn(t2i, ['--api', sim.url, '--stream']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Run failed \(stream-cut\): The progress stream ended before the final event/);
    expect(r.left).toEqual([]);
  });

  it.each([
    ['stream (default)', []],
    ['poll', ['--poll']],
  ])('cancelled mid-run (Ctrl-C), %s: the task is stopped on the server, exit 130', async (_, mode) => {
    sim.setSpeed(20);
    const controller = new AbortController();
    const stderr = captureIo().stderr;
    const io = captureIo();
    // Abort as soon as the bar shows progress past the start.
    io.stderr.write = (s: string) => {
      stderr.text += s;
      if (/^\[[#-]+\] +[1-9]\d*% /m.test(s)) controller.abort();
      return true;
    };
    const dir = await tempDir();
    const file = await t2i(dir);
    const code = await runCommand([file, '--api', sim.url, ...mode, '--out', join(dir, 'out')], io, {
      signal: controller.signal,
    });
    expect(code).toBe(130);
    expect(stderr.text).toMatch(/^Stopped task [0-9a-f]{32} on the server\.$/m);
    expect(stderr.text).toMatch(/The run was cancelled; nothing was saved\./);
    expect(await listDir(dir)).toEqual(['text-to-image.json']);
    // On the engine the task ended as "stop", not "finished", and nothing is running any more.
    const id = /Stopped task ([0-9a-f]{32})/.exec(stderr.text)![1]!;
    const record = (await (await fetch(`${sim.url}/tasks/${id}`)).json()) as { task_status: string };
    expect(record.task_status).toBe('stop');
    const tasks = (await (await fetch(`${sim.url}/tasks?query=current`)).json()) as { current: unknown[] };
    expect(tasks.current).toEqual([]);
  });

  it('Ctrl+C on the real process: SIGINT stops the task on the server and exits 130', async () => {
    sim.setSpeed(30);
    const dir = await tempDir();
    const file = await t2i(dir);
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, '../../cli/bin.mjs'),
        'run',
        file,
        '--api',
        sim.url,
        '--out',
        join(dir, 'out'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Once: a second Ctrl+C quits at once, without waiting for the server.
      if (!sent && /\] +[1-9]\d*% /.test(stderr)) sent = child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).toMatch(/^Stopped task [0-9a-f]{32} on the server\.$/m);
    expect(code).toBe(130);
    const id = /Stopped task ([0-9a-f]{32})/.exec(stderr)![1]!;
    const record = (await (await fetch(`${sim.url}/tasks/${id}`)).json()) as { task_status: string };
    expect(record.task_status).toBe('stop');
    expect(await listDir(dir)).toEqual(['text-to-image.json']);
  }, 30_000);

  it('cancelled while preparing: nothing is sent, exit 130', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runIn(t2i, ['--api', sim.url], { signal: controller.signal });
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/The run was cancelled; nothing was saved\./);
    expect(r.err).not.toMatch(/Stopped task/);
    expect(r.left).toEqual([]);
  });

  it('a 422 is reported on the node that made the field', async () => {
    fake = await startFakeServer((_req, res) =>
      sendJson(res, 422, {
        detail: [
          { type: 'string_type', loc: ['body', 'prompt'], msg: 'Input should be a valid string', input: 5 },
        ],
      }),
    );
    const r = await runIn(t2i, ['--api', fake.url]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Run failed \(validation\)/);
    expect(r.err).toMatch(
      / {2}node promptSettings-1\.prompt \(prompt\): Input should be a valid string \(got 5\)/,
    );
    expect(r.left).toEqual([]);
  });

  it('a download failing after the first image leaves no partial folder', async () => {
    fake = await startFakeServer((req, res) => {
      if (req.method === 'POST') return sendJson(res, 200, STUB);
      if (req.url.startsWith('/tasks/')) {
        return sendJson(
          res,
          200,
          record({
            result: ['http://127.0.0.1:7866/outputs/d/a.png', 'http://127.0.0.1:7866/outputs/d/b.png'],
          }),
        );
      }
      if (req.url === '/outputs/d/a.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
        return;
      }
      res.writeHead(404).end();
    });
    const r = await runIn(t2i, ['--api', fake.url, '--poll']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Saving the results failed \(server\): .*HTTP 404/);
    expect(r.left).toEqual([]);
  });
});

describe('fooocus-flow run: the input image path', () => {
  it('a PNG given with --input is measured, compiled and sent as a data URL', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'vary-image-prompt', (wf) => [
      { nodeId: nodeOfKind(wf, 'inputImage', 'Image to vary'), param: 'image', name: 'photo' },
      { nodeId: nodeOfKind(wf, 'inputImage', 'Reference'), param: 'image', name: 'ref' },
    ]);
    const png = await writePng(dir);
    const io = captureIo();
    const code = await runCommand(
      [file, '--api', sim.url, '--out', join(dir, 'o'), '--input', `photo=${png}`, '--input', `ref=${png}`],
      io,
    );
    expect(io.stderr.text).not.toMatch(/^error/m);
    expect(code).toBe(0);
    expect(await listDir(join(dir, 'o'))).toEqual(['01-vary.png', 'run.json']);
  });
});
