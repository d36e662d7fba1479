/**
 * `fooocus-flow run` and `compile` for a graph that runs as steps, against the simulated engine:
 * Upscale 2x → Inpaint on a 640×480 photo (one final image of the upscaled size with the mask
 * applied, files named by step, every step's task in run.json), Stop in step 2 (held by the engine)
 * keeping step 1's image, and --resume carrying on from step 2 without sending step 1 again.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { compileCommand } from '../../cli/compile-commands.ts';
import { runCommand } from '../../cli/run.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { startFaultProxy } from '../faults/fault-proxy.ts';
import { captureIo, listDir, removeTempDirs, tempDir } from './run-helpers.ts';

let sim: SimEngine;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  sim.releaseHolds();
  await removeTempDirs();
});

const FAST = { intervalMs: 5, backoff: { baseMs: 2, maxMs: 20 }, searchGraceMs: 0, queueCheckMs: 0 };

/** Upscale 2x → Inpaint with the photo and its mask exposed as --input image= / mask=. */
function upscaleInpaint(): Workflow {
  const b = new GraphBuilder();
  const i = b.add('inputImage');
  const m = b.add('mask');
  const u = b.add('upscale', { method: 'Upscale (2x)' });
  const p = b.add('inpaint');
  b.wire(i, m, 'image').wire(i, u).wire(u, p).wire(m, p, 'mask').wire(p, b.add('output'));
  return {
    ...b.build('Upscale then inpaint'),
    overflow: 'steps',
    exposed: [
      { nodeId: i, param: 'image', name: 'image' },
      { nodeId: m, param: 'image', name: 'mask' },
    ],
  };
}

async function files(dir: string) {
  const w = 640;
  const h = 480;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) raw.set([(x * 255) / w, (y * 255) / h, 90], (y * w + x) * 3);
  const photo = join(dir, 'photo.png');
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(photo);
  const mask = join(dir, 'mask.png');
  const white = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
  await sharp({ create: { width: w, height: h, channels: 3, background: '#000000' } })
    .composite([{ input: white, left: 0, top: 0 }])
    .png()
    .toFile(mask);
  const wf = join(dir, 'wf.json');
  await writeFile(wf, serializeWorkflow(upscaleInpaint()));
  return { photo, mask, wf, inputs: ['--input', `image=${photo}`, '--input', `mask=${mask}`] };
}

async function pixelsOf(path: string) {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    size: [info.width, info.height],
    at: (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)],
  };
}

async function taskCount(): Promise<number> {
  const list = (await (await fetch(`${sim.url}/tasks?query=all&page_size=1000`)).json()) as {
    history: unknown[];
    current: unknown[];
    pending: unknown[];
  };
  return list.history.length + list.current.length + list.pending.length;
}

interface RunRecord {
  steps: { step: number; request: Record<string, unknown>; runs: { taskId: string; state: string }[] }[];
  files: { file: string; step: number; final: boolean; taskId: string }[];
  stoppedInStep?: number;
}

describe('fooocus-flow run, a graph run as steps', () => {
  it('Upscale 2x → Inpaint on 640×480: one final 1280×960 image with the mask applied, files by step', async () => {
    const dir = await tempDir();
    const f = await files(dir);
    const out = join(dir, 'out');
    const io = captureIo();
    const code = await runCommand([f.wf, '--api', sim.url, '--out', out, ...f.inputs], io, { tuning: FAST });
    expect(code, io.stderr.text).toBe(0);
    expect(io.stderr.text).toContain('This workflow runs as 2 requests, one after the other.');
    const listed = await listDir(out);
    expect(listed).toEqual(['run.json', 'step1-01-upscale.png', 'step2-01-inpaint.png']);
    const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunRecord;
    expect(record.steps.map((s) => s.step)).toEqual([1, 2]);
    for (const s of record.steps) expect(s.runs[0]!.taskId).toMatch(/^[0-9a-f]{32}$/);
    expect(record.steps[1]!.request.inpaint_input_image).toBe('fooocus-flow:step-result:1');
    expect(record.files.filter((x) => x.final).map((x) => x.file)).toEqual(['step2-01-inpaint.png']);
    const upscaled = await pixelsOf(join(out, 'step1-01-upscale.png'));
    const final = await pixelsOf(join(out, 'step2-01-inpaint.png'));
    expect(final.size).toEqual([1280, 960]);
    expect(final.at(100, 100)).not.toEqual(upscaled.at(100, 100)); // repainted under the mask
    expect(final.at(1000, 800)).toEqual(upscaled.at(1000, 800)); // untouched elsewhere
    expect(await listDir(out)).not.toContain('run-steps-journal.json');
  });

  it('Vary → Enhance × 4 regions: step 2 enhances step 1’s last image with the fourth region; run.json says so', async () => {
    const dir = await tempDir();
    const f = await files(dir);
    const b = new GraphBuilder();
    const i = b.add('inputImage');
    const v = b.add('vary');
    b.wire(i, v);
    let prev = v;
    for (const w of ['face', 'eye', 'mouth', 'hair']) {
      const r = b.add('enhanceRegion', { enhance_mask_dino_prompt: w });
      b.wire(prev, r);
      prev = r;
    }
    b.wire(prev, b.add('output'));
    const wf = join(dir, 'vary-4.json');
    await writeFile(
      wf,
      serializeWorkflow({
        ...b.build('Vary then four regions'),
        overflow: 'steps',
        exposed: [{ nodeId: i, param: 'image', name: 'image' }],
      }),
    );
    const out = join(dir, 'out');
    const io = captureIo();
    const code = await runCommand([wf, '--api', sim.url, '--out', out, '--input', `image=${f.photo}`], io, {
      tuning: FAST,
    });
    expect(code, io.stderr.text).toBe(0);
    expect(io.stderr.text).toContain('This workflow runs as 2 requests, one after the other.');
    const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunRecord;
    // Step 1: Vary and three regions (4 images); step 2: the fourth region, on step 1's last image.
    expect(record.files.map((x) => x.step)).toEqual([1, 1, 1, 1, 2]);
    const finals = record.files.filter((x) => x.final);
    expect(finals).toHaveLength(1);
    expect(finals[0]!.step).toBe(2);
    const step2 = record.steps[1]!.request;
    expect(step2.enhance_input_image).toBe('fooocus-flow:step-result:1');
    const enabled = (step2.enhance_ctrls as { enhance_enabled: boolean; enhance_mask_dino_prompt: string }[])
      .filter((c) => c.enhance_enabled)
      .map((c) => c.enhance_mask_dino_prompt);
    expect(enabled).toEqual(['hair']);
    const lastOfStep1 = record.files.filter((x) => x.step === 1).at(-1)!;
    const final = await pixelsOf(join(out, finals[0]!.file));
    const before = await pixelsOf(join(out, lastOfStep1.file));
    expect(final.size).toEqual(before.size);
    expect(await readFile(join(out, finals[0]!.file))).not.toEqual(
      await readFile(join(out, lastOfStep1.file)),
    );
  });

  it('Stop in step 2 keeps step 1’s image and says which step', async () => {
    const dir = await tempDir();
    const f = await files(dir);
    const out = join(dir, 'out');
    const proxy = await startFaultProxy(sim.url);
    const stop = new AbortController();
    const first = sim.hold({ step: 0 });
    let second: ReturnType<SimEngine['hold']> | undefined;
    let third: ReturnType<SimEngine['hold']> | undefined;
    let stopSent = false;
    proxy.setRule((r) => {
      if (stopSent) third?.release();
      if (r.path.startsWith('/v1/engine/control')) stopSent = true;
      return 'pass';
    });
    void (async () => {
      await first.reached;
      second = sim.hold({ step: 0 });
      first.release();
      const picked = await second.reached;
      third = sim.hold({ step: 2, taskId: picked.taskId });
      second.release();
      await third.reached;
      stop.abort();
    })();
    try {
      const io = captureIo();
      const code = await runCommand([f.wf, '--api', proxy.url, '--out', out, ...f.inputs], io, {
        signal: stop.signal,
        detachSignal: new AbortController().signal,
        tuning: FAST,
      });
      expect(code).toBe(130);
      expect(io.stderr.text).toContain('Stopped in step 2 of 2.');
      expect(io.stderr.text).toContain(
        'The run was cancelled in step 2 of 2; the 1 image(s) finished before were saved',
      );
      expect(await listDir(out)).toEqual(['run.json', 'step1-01-upscale.png']);
      const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunRecord;
      expect(record.stoppedInStep).toBe(2);
      expect(record.steps[1]!.runs[0]!.state).toBe('stopped');
      expect(stopSent).toBe(true);
    } finally {
      first.release();
      second?.release();
      third?.release();
      await proxy.close();
    }
  });

  it('--resume after leaving step 2 running: step 1 is not sent again, both steps are saved', async () => {
    const dir = await tempDir();
    const f = await files(dir);
    const out = join(dir, 'out');
    const stop = new AbortController();
    const detach = new AbortController();
    const first = sim.hold({ step: 0 });
    let second: ReturnType<SimEngine['hold']> | undefined;
    void (async () => {
      await first.reached;
      second = sim.hold({ step: 0 });
      first.release();
      await second.reached; // step 2's task picked: leave it running and quit
      stop.abort();
      detach.abort();
    })();
    const before = await taskCount();
    const io = captureIo();
    const code = await runCommand([f.wf, '--api', sim.url, '--out', out, ...f.inputs], io, {
      signal: stop.signal,
      detachSignal: detach.signal,
      tuning: FAST,
    });
    expect(code, io.stderr.text).toBe(130);
    expect(io.stderr.text).toMatch(
      /Left step 2 of 2 running on the server\. The pipeline can be picked up with: fooocus-flow run --resume /,
    );
    expect(await listDir(out)).toEqual(['run-steps-journal.json']);
    second!.release();
    const resumed = captureIo();
    expect(await runCommand(['--resume', out], resumed, { tuning: FAST }), resumed.stderr.text).toBe(0);
    expect(resumed.stderr.text).toContain('Resuming the 2-step run');
    expect(await listDir(out)).toEqual(['run.json', 'step1-01-upscale.png', 'step2-01-inpaint.png']);
    expect(await taskCount()).toBe(before + 2);
  });
  it('a failed step 2 keeps the journal; --resume retries step 2 only and keeps the failed task id', async () => {
    const dir = await tempDir();
    const f = await files(dir);
    const out = join(dir, 'out');
    const first = sim.hold({ step: 0 });
    void (async () => {
      await first.reached; // step 1 is submitted: the next generate (step 2's) finishes empty
      sim.inject({ kind: 'finish-empty-next' });
      first.release();
    })();
    const before = await taskCount();
    const io = captureIo();
    const code = await runCommand([f.wf, '--api', sim.url, '--out', out, ...f.inputs], io, { tuning: FAST });
    expect(code, io.stderr.text).toBe(1);
    expect(io.stderr.text).toContain('Failed in step 2 of 2.');
    expect(io.stderr.text).toMatch(
      /Retry from step 2 of 2 \(the steps before are not sent again.*\): fooocus-flow run --resume /,
    );
    expect(await listDir(out)).toEqual(['run-steps-journal.json']);
    const journal = JSON.parse(await readFile(join(out, 'run-steps-journal.json'), 'utf8')) as {
      runs: { step: number; state: string; taskId?: string }[];
    };
    expect(journal.runs.map((r) => [r.step, r.state])).toEqual([
      [0, 'finished'],
      [1, 'failed'],
    ]);
    const failedTask = journal.runs[1]!.taskId!;
    expect(failedTask).toMatch(/^[0-9a-f]{32}$/);

    const resumed = captureIo();
    expect(await runCommand(['--resume', out], resumed, { tuning: FAST }), resumed.stderr.text).toBe(0);
    expect(await listDir(out)).toEqual(['run.json', 'step1-01-upscale.png', 'step2-01-inpaint.png']);
    expect(await taskCount()).toBe(before + 3); // step 1, the failed step 2, the retried step 2
    const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunRecord;
    expect(record.steps[1]!.runs[0]!.taskId).not.toBe(failedTask);
    expect((record.steps[1]!.runs[0] as { failedTaskIds?: string[] }).failedTaskIds).toEqual([failedTask]);
  });
});

describe('fooocus-flow compile, a graph run as steps', () => {
  it('prints the step requests as a JSON array (note on stderr); --json gives {steps, request, diagnostics, plan}', async () => {
    const dir = await tempDir();
    const io = captureIo();
    // Without an image the file still compiles (an error for the missing image).
    const wf = join(dir, 'plain.json');
    const b = new GraphBuilder();
    const i = b.add('inputImage');
    const u = b.add('upscale', { method: 'Upscale (2x)' });
    const r1 = ['face', 'eye', 'mouth', 'hair'].reduce((prev, w) => {
      const r = b.add('enhanceRegion', { enhance_mask_dino_prompt: w });
      b.wire(prev, r);
      return r;
    }, u);
    b.wire(i, u).wire(r1, b.add('output'));
    await writeFile(wf, serializeWorkflow({ ...b.build('regions'), overflow: 'steps' }));
    const code = await compileCommand([wf], io);
    expect(code).toBe(1); // the Input Image has no image
    const arr = JSON.parse(io.stdout.text) as Record<string, unknown>[];
    expect(arr).toHaveLength(2);
    expect(arr[1]!.enhance_input_image).toBe('fooocus-flow:step-result:1');
    expect(io.stderr.text).toContain('note: this workflow runs as 2 requests');
    const json = captureIo();
    await compileCommand([wf, '--json'], json);
    const out = JSON.parse(json.stdout.text) as {
      steps: { request: unknown; plan: { images: { count: number } } }[];
      request: unknown;
      plan: { images: { count: number } };
    };
    expect(Object.keys(out).sort()).toEqual(['diagnostics', 'plan', 'request', 'steps']);
    expect(out.steps).toHaveLength(2);
    expect(out.request).toEqual(out.steps[0]!.request);
    expect(out.plan.images.count).toBe(out.steps[0]!.plan.images.count + out.steps[1]!.plan.images.count);
  });
});
