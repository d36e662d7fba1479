/**
 * `fooocus-flow run` end to end: a workflow file in, images and run.json out, against the in-process
 * simulated engine (default) or a given --api. A failure with nothing to pick up leaves nothing in --out.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { runCommand } from '../../cli/run.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
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
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  sim.inject({ kind: 'clear' });
  sim.setSpeed(0);
  await removeTempDirs();
});

describe('fooocus-flow run: success', () => {
  it('runs a text-to-image workflow on the built-in simulator and saves 01-generate.png + run.json', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'text-to-image');
    const out = join(dir, 'out');
    const io = captureIo();
    const code = await runCommand([file, '--out', out, '--seed', '42'], io, { simTickMs: 10 });
    expect(io.stderr.text).not.toMatch(/error/i);
    expect(code).toBe(0);
    expect(await listDir(out)).toEqual(['01-generate.png', 'run.json']);
    expect(await listDir(dir)).toEqual(['out', 'text-to-image.json']);
    expect(io.stdout.text.trim().split('\n')).toEqual([join(out, '01-generate.png'), join(out, 'run.json')]);

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
    expect(run.request.image_seed).toBe(42);
    expect(run.task.task_status).toBe('finished');
    expect(run.workflow.name).toBe('Text to image');
    expect(run.files).toEqual([
      {
        file: '01-generate.png',
        url: run.task.result[0],
        step: { nodeId: 'promptSettings-1', label: 'Text-to-image', image: 1 },
      },
    ]);
    expect(run.fileMapping).toBe('by-step');
    const meta = await sharp(join(out, '01-generate.png')).metadata();
    expect([meta.width, meta.height]).toEqual([1152, 896]);
    // Runs are polled: the running record carries no stage text, so the bar names the plan's steps.
    // Not a terminal: one line per change of stage, not one per poll.
    const lines = io.stderr.text.split('\n').filter((l) => l.startsWith('['));
    expect(lines[0]).toBe('[----------]   0% Submitting to the server ...');
    expect(lines.filter((l) => /^\[[#-]{10}\] +\d+% Text-to-image \.\.\. \d+%$/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /Generating/.test(l))).toEqual([]);
    expect(lines.at(-1)).toBe('[##########] 100% Finished: 1 image(s)');
  });

  it('--poll is a no-op alias; --stream is ignored with a note saying why', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'text-to-image');
    const polled = captureIo();
    expect(await runCommand([file, '--out', join(dir, 'a'), '--poll', '--api', sim.url], polled)).toBe(0);
    expect(polled.stderr.text).not.toMatch(/Note:/);
    expect(await listDir(join(dir, 'a'))).toEqual(['01-generate.png', 'run.json']);
    const streamed = captureIo();
    expect(await runCommand([file, '--out', join(dir, 'b'), '--stream', '--api', sim.url], streamed)).toBe(0);
    expect(streamed.stderr.text).toMatch(
      /^Note: --stream is ignored\. Runs are followed by polling: on FooocusAPI a progress stream that is cut .* leaves its task unrecorded/m,
    );
    expect(await listDir(join(dir, 'b'))).toEqual(['01-generate.png', 'run.json']);
  });

  it('fills exposed params (--input file, --set text) and saves the enhance chain: vary + face + eye', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'enhance-chain', (wf) => [
      { nodeId: nodeOfKind(wf, 'inputImage'), param: 'image', name: 'portrait' },
      { nodeId: nodeOfKind(wf, 'promptSettings'), param: 'prompt', name: 'prompt' },
    ]);
    const png = await writePng(dir);
    const out = join(dir, 'result');
    const io = captureIo(true);
    const code = await runCommand(
      [file, '--out', out, '--input', `portrait=${png}`, '--set', 'prompt=a calm face'],
      io,
      { simTickMs: 10 },
    );
    expect(io.stderr.text).not.toMatch(/^error/m);
    expect(code).toBe(0);
    expect(await listDir(out)).toEqual(['01.png', '02.png', '03.png', 'run.json']);
    for (const name of ['01.png', '02.png', '03.png']) {
      const meta = await sharp(join(out, name)).metadata();
      expect([meta.width, meta.height]).toEqual([1216, 832]);
    }
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    expect(run.request.prompt).toBe('a calm face');
    expect(run.request.enhance_input_image).toMatch(/^data:image\/png;base64,/);
    expect(run.task.result).toHaveLength(3);
    // A terminal: the bar is redrawn in place at every change, naming the plan's steps.
    // Each redraw is `\r<bar>` followed by "erase to end of line".
    const redraws = io.stderr.text.split('\r').filter((l) => l.startsWith('['));
    expect(redraws.every((l) => l.endsWith('\x1b[K') || l.endsWith('\n'))).toBe(true);
    const bars = redraws.map((l) => l.replace('\x1b[K', '').trimEnd());
    const stepBars = bars.filter((l) => /^\[[#-]{10}\] +\d+% Vary .* → .* \.\.\. \d+%$/.test(l));
    expect(new Set(stepBars.map((l) => /(\d+)%$/.exec(l)![1])).size).toBeGreaterThan(1);
    expect(bars.at(-1)).toMatch(/^\[##########\] 100% Finished: 3 image\(s\)\n/);
  });

  it('uses ./fooocus-flow-out/<timestamp> by default', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'text-to-image');
    const io = captureIo();
    expect(await runCommand([file, '--api', sim.url], io, { cwd: dir })).toBe(0);
    const [stamp] = await listDir(join(dir, 'fooocus-flow-out'));
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    expect(await listDir(join(dir, 'fooocus-flow-out', stamp!))).toEqual(['01-generate.png', 'run.json']);
  });
});
