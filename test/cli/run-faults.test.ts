/**
 * `fooocus-flow run` failures: the right exit code, a message in plain words, no result files in
 * --out, and the journal kept exactly when there is something to pick up with --resume.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../cli/run.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { closedPort, record, sendJson, startFakeServer, STUB, type FakeServer } from '../api/fake-server.ts';
import { isPoll, isSubmit, startFaultProxy } from '../faults/fault-proxy.ts';
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
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  sim.releaseHolds();
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
  return {
    code,
    dir,
    err: io.stderr.text,
    out: io.stdout.text,
    left: after.filter((f) => !before.includes(f)),
  };
}

const t2i = (dir: string) => writeTemplate(dir, 'text-to-image');

/** Short waits: the tests wait for states; retries only need to be quick. */
const FAST = { intervalMs: 5, backoff: { baseMs: 2, maxMs: 20 }, searchGraceMs: 0, queueCheckMs: 0 };

async function taskCount(): Promise<number> {
  const list = (await (await fetch(`${sim.url}/tasks?query=all&page_size=1000`)).json()) as {
    history: unknown[];
    pending: unknown[];
  };
  return list.history.length + list.pending.length;
}

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
    expect(notImage.err).toMatch(/is not a PNG or JPEG file/);
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

describe('fooocus-flow run: run failures → exit 1, no result files', () => {
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

  it('a lost submit reply and dropped polls: the task is found, not sent twice, and its results saved', async () => {
    const proxy = await startFaultProxy(sim.url);
    try {
      let polls = 0;
      proxy.setRule((r) => {
        if (isSubmit(r)) return proxy.counts['drop-reply'] === 0 ? 'drop-reply' : 'pass';
        if (isPoll(r) && ++polls <= 3) return polls === 2 ? 'cut-body' : 'drop-before';
        return 'pass';
      });
      const before = await taskCount();
      const r = await runIn(t2i, ['--api', proxy.url], { tuning: FAST });
      expect(r.err).not.toMatch(/Run failed/);
      expect(r.code).toBe(0);
      expect(r.left).toEqual(['out']);
      expect(proxy.counts['drop-reply']).toBe(1);
      // One task on the server for this run, although its submit reply never arrived.
      expect((await taskCount()) - before).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('a server that stops answering: exit 1, the journal kept, the exact resume command; --resume saves like a normal run', async () => {
    const proxy = await startFaultProxy(sim.url);
    try {
      // Once the task is accepted, every read stalls: the server is "gone".
      proxy.setRule((r) => (isSubmit(r) ? 'pass' : 'hold'));
      const dir = await tempDir();
      const file = await t2i(dir);
      const out = join(dir, 'out');
      const io = captureIo();
      const code = await runCommand([file, '--api', proxy.url, '--out', out, '--seed', '7'], io, {
        tuning: { ...FAST, goneAfterMs: 300, readTimeoutMs: 100 },
      });
      expect(code).toBe(1);
      const taskId = /task ([0-9a-f]{32}) was accepted/.exec(io.stderr.text)?.[1];
      expect(taskId).toBeDefined();
      expect(io.stderr.text).toMatch(
        /^Run interrupted \(server-gone\): The Fooocus server at http:\/\/127\.0\.0\.1:\d+ has not answered for \d+ s/m,
      );
      expect(io.stderr.text).toContain(`Resume with: fooocus-flow run --resume ${out}`);
      expect(await listDir(out)).toEqual(['run-journal.json']);

      proxy.dropHeld();
      proxy.setRule(() => 'pass');
      const resumed = captureIo();
      expect(await runCommand(['--resume', out], resumed, { tuning: FAST })).toBe(0);
      expect(resumed.stderr.text).toMatch(new RegExp(`^Resuming task ${taskId} on ${proxy.url}`, 'm'));
      expect(await listDir(out)).toEqual(['01-generate.png', 'run.json']);
      const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
      expect(Object.keys(run)).toEqual([
        'workflow',
        'request',
        'task',
        'plan',
        'diagnostics',
        'files',
        'fileMapping',
      ]);
      expect(run.task.task_id).toBe(taskId);
      expect(run.request.image_seed).toBe(7);
      // Nothing left to resume.
      const again = captureIo();
      expect(await runCommand(['--resume', out], again)).toBe(2);
      expect(again.stderr.text).toMatch(/holds a finished run \(run\.json\) and nothing to resume/);
    } finally {
      await proxy.close();
    }
  });

  it('--resume refuses a folder that is not a run, and extra arguments', async () => {
    const dir = await tempDir();
    const io = captureIo();
    expect(await runCommand(['--resume', dir], io)).toBe(2);
    expect(io.stderr.text).toMatch(
      /has no run-journal\.json: it is not the output folder of a fooocus-flow run/,
    );
    await writeFile(join(dir, 'run-journal.json'), '{"format":"fooocus-flow/run-journal","run":{}}');
    const bad = captureIo();
    expect(await runCommand(['--resume', dir], bad)).toBe(2);
    expect(bad.stderr.text).toMatch(/run-journal\.json is not a run journal: run\.version/);
    expect(await runCommand(['wf.json', '--resume', dir], captureIo())).toBe(2);
  });

  /**
   * The engine holds the task at a sampling step; Ctrl+C is pressed there. The hold is released
   * once the client has sent its stop (at its next request), so the worker sees the stop at its
   * next step: no timing involved.
   */
  async function heldAtStep(step: number) {
    const proxy = await startFaultProxy(sim.url);
    const held = sim.hold({ step });
    let stopSent = false;
    proxy.setRule((r) => {
      if (stopSent) held.release();
      if (r.path.startsWith('/v1/engine/control')) stopSent = true;
      return 'pass';
    });
    return { proxy, held, stopSent: () => stopSent };
  }

  it.each([
    ['default', []],
    ['--poll (a no-op alias)', ['--poll']],
  ])('Ctrl+C at a held step, %s: the server confirms the stop, exit 130, nothing kept', async (_, mode) => {
    const { proxy, held, stopSent } = await heldAtStep(3);
    try {
      const controller = new AbortController();
      void held.reached.then(() => controller.abort());
      const io = captureIo();
      const dir = await tempDir();
      const file = await t2i(dir);
      const code = await runCommand([file, '--api', proxy.url, ...mode, '--out', join(dir, 'out')], io, {
        signal: controller.signal,
        tuning: FAST,
      });
      expect(code).toBe(130);
      expect(stopSent()).toBe(true);
      expect(io.stderr.text).toMatch(
        /^Stopping: the task is stopped on the server once it is ours and running/m,
      );
      expect(io.stderr.text).toMatch(/^Stopped task [0-9a-f]{32} on the server\.$/m);
      expect(io.stderr.text).toMatch(/The run was cancelled; nothing was saved\./);
      expect(await listDir(dir)).toEqual(['text-to-image.json']);
      // On the engine the task ended as "stop", not "finished", and nothing is running any more.
      const id = /Stopped task ([0-9a-f]{32})/.exec(io.stderr.text)![1]!;
      const record = (await (await fetch(`${sim.url}/tasks/${id}`)).json()) as { task_status: string };
      expect(record.task_status).toBe('stop');
      const tasks = (await (await fetch(`${sim.url}/tasks?query=current`)).json()) as { current: unknown[] };
      expect(tasks.current).toEqual([]);
    } finally {
      held.release();
      await proxy.close();
    }
  });

  it('Ctrl+C on the real process: SIGINT at a held step stops the task on the server and exits 130', async () => {
    const { proxy, held } = await heldAtStep(3);
    try {
      const dir = await tempDir();
      const file = await t2i(dir);
      const child = spawn(
        process.execPath,
        [
          join(import.meta.dirname, '../../cli/bin.mjs'),
          'run',
          file,
          '--api',
          proxy.url,
          '--out',
          join(dir, 'out'),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // Once: a second Ctrl+C would leave the task running and quit.
      void held.reached.then(() => child.kill('SIGINT'));
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(stderr).toMatch(/^Stopped task [0-9a-f]{32} on the server\.$/m);
      expect(code).toBe(130);
      const id = /Stopped task ([0-9a-f]{32})/.exec(stderr)![1]!;
      const record = (await (await fetch(`${sim.url}/tasks/${id}`)).json()) as { task_status: string };
      expect(record.task_status).toBe('stop');
      expect(await listDir(dir)).toEqual(['text-to-image.json']);
    } finally {
      held.release();
      await proxy.close();
    }
  }, 30_000);

  it('Ctrl+C twice: the task is left running, the journal kept; --resume later saves its results', async () => {
    const held = sim.hold({ step: 2 });
    const stop = new AbortController();
    const detach = new AbortController();
    void held.reached.then(() => {
      stop.abort();
      detach.abort();
    });
    const dir = await tempDir();
    const file = await t2i(dir);
    const out = join(dir, 'out');
    const io = captureIo();
    const code = await runCommand([file, '--api', sim.url, '--out', out], io, {
      signal: stop.signal,
      detachSignal: detach.signal,
      tuning: FAST,
    });
    expect(code).toBe(130);
    expect(io.stderr.text).toMatch(
      new RegExp(
        `^Left task [0-9a-f]{32} running on the server\\. Its results can be picked up with: fooocus-flow run --resume ${out}$`,
        'm',
      ),
    );
    expect(await listDir(out)).toEqual(['run-journal.json']);
    held.release();
    const resumed = captureIo();
    expect(await runCommand(['--resume', out], resumed, { tuning: FAST })).toBe(0);
    expect(await listDir(out)).toEqual(['01-generate.png', 'run.json']);
  });

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

  it('a download failing after the first image: no result files, the journal kept to download again', async () => {
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
    const r = await runIn(t2i, ['--api', fake.url, '--poll'], { tuning: FAST });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Saving the results failed \(server\): .*HTTP 404/);
    expect(r.err).toMatch(
      /is done on the server and recorded in .*run-journal\.json; nothing is lost\. Download the results again with: fooocus-flow run --resume /,
    );
    expect(r.left).toEqual(['out']);
    expect(await listDir(join(r.dir, 'out'))).toEqual(['run-journal.json']);
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
