/**
 * `fooocus-flow run` end to end: a workflow file in, images and run.json out, against the in-process
 * simulated engine (default) or a given --api. Every failure must leave nothing in --out.
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
  sim = await startSimEngine({ port: 0, speed: 0 });
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
    const code = await runCommand([file, '--out', out, '--seed', '42'], io);
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
    // The default follows the stream, so the bar names the stage. Not a terminal: one line per
    // stage, not one per sampling step.
    const lines = io.stderr.text.split('\n').filter((l) => l.startsWith('['));
    expect(lines).toContain('[----------]   2% Loading models ...');
    expect(
      lines.filter((l) => /^\[[#-]{10}\] +\d+% Sampling step \d+\/30, image 1\/1 \.\.\.$/.test(l)),
    ).toHaveLength(1);
    expect(lines.filter((l) => /Generating/.test(l))).toEqual([]);
    expect(lines.at(-1)).toBe('[##########] 100% Finished: 1 image(s)');
  });

  it('--poll: polled records carry no stage text, so the bar names the plan steps', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'text-to-image');
    const out = join(dir, 'out');
    const io = captureIo();
    expect(await runCommand([file, '--out', out, '--poll', '--api', sim.url], io)).toBe(0);
    expect(io.stderr.text).toMatch(/^Polling for progress: the server sends no stage messages this way/m);
    const lines = io.stderr.text.split('\n').filter((l) => l.startsWith('['));
    expect(lines[0]).toBe('[----------]   0% Submitted, waiting for the server ...');
    expect(lines.some((l) => /^\[[#-]{10}\] +\d+% Text-to-image \.\.\. \d+%$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe('[##########] 100% Finished: 1 image(s)');
    expect(await listDir(out)).toEqual(['01-generate.png', 'run.json']);
    expect(await runCommand([file, '--poll', '--stream'], captureIo())).toBe(2);
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
    // A terminal: the bar is redrawn in place, every sampling step (stream messages name the stage).
    // Each redraw is `\r<bar>` followed by "erase to end of line".
    const redraws = io.stderr.text.split('\r').filter((l) => l.startsWith('['));
    expect(redraws.every((l) => l.endsWith('\x1b[K') || l.endsWith('\n'))).toBe(true);
    const bars = redraws.map((l) => l.replace('\x1b[K', '').trimEnd());
    expect(bars.some((l) => /^\[[#-]{10}\] +\d+% Sampling step 1\/\d+, image 1\/1 \.\.\.$/.test(l))).toBe(
      true,
    );
    expect(bars.some((l) => /^\[[#-]{10}\] +\d+% Sampling step 2\/\d+, image 1\/1 \.\.\.$/.test(l))).toBe(
      true,
    );
    expect(bars.some((l) => /% Preparing enhancement 1\/\d+ \.\.\.$/.test(l))).toBe(true);
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
