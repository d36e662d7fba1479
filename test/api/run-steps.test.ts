/**
 * runCompiledSteps against the simulated engine over real HTTP: graphs one request cannot do run
 * as steps, each result going into the next request as bytes. Upscale 2x → Inpaint on a 640×480
 * photo, Vary → four Enhance Regions, N images continuing one by one, and Stop in step 2 (held by
 * the engine, no timing) keeping step 1's images.
 */
import sharp from 'sharp';
import { createFooocusClient } from '../../api/client.ts';
import { memoryJournal } from '../../api/run-journal.ts';
import { runCompiledSteps, type StepRun } from '../../api/run-steps.ts';
import { compile } from '../../compiler/compile.ts';
import { prepareImages } from '../../compiler/prepare/index.ts';
import { nodeImageAdapter } from '../../cli/node-image-adapter.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { startFaultProxy } from '../faults/fault-proxy.ts';

let sim: SimEngine;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.releaseHolds();
});

const FAST = { intervalMs: 10, backoff: { baseMs: 5, maxMs: 20 } };

/** A 640×480 photo-like PNG (a gradient, so repainted areas are easy to tell). */
async function photo(): Promise<string> {
  const w = 640;
  const h = 480;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      raw[i] = (x * 255) / w;
      raw[i + 1] = (y * 255) / h;
      raw[i + 2] = 90;
    }
  const png = await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** White (repaint) in the top-left quarter, black elsewhere. */
async function quarterMask(): Promise<string> {
  const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#000000' } })
    .composite([
      {
        input: await sharp({
          create: { width: 320, height: 240, channels: 3, background: '#ffffff' },
        })
          .png()
          .toBuffer(),
        left: 0,
        top: 0,
      },
    ])
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

async function compiledSteps(wf: Workflow) {
  const prepared = await prepareImages(wf, nodeImageAdapter);
  const r = compile({ ...wf, overflow: 'steps' }, { seed: 11, images: prepared.images });
  expect(r.ok, JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
  return r;
}

async function pixels(client: ReturnType<typeof createFooocusClient>, url: string) {
  const { data, info } = await sharp(Buffer.from(await client.download(url)))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => [
    ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
  ];
  return { width: info.width, height: info.height, at };
}

describe('runCompiledSteps on the simulated engine', () => {
  it('Upscale 2x → Inpaint on a 640×480 photo: one final image of the upscaled size, the mask applied', async () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: await photo() });
    const m = b.add('mask', { image: await quarterMask() });
    const u = b.add('upscale', { method: 'Upscale (2x)' });
    const p = b.add('inpaint');
    b.wire(i, m, 'image').wire(i, u).wire(u, p).wire(m, p, 'mask').wire(p, b.add('output'));
    const compiled = await compiledSteps(b.build('upscale-inpaint'));
    expect(compiled.steps).toHaveLength(2);

    const client = createFooocusClient({ baseUrl: sim.url });
    const records: StepRun[][] = [];
    const run = runCompiledSteps(client, compiled.steps, {
      journal: memoryJournal(),
      images: nodeImageAdapter,
      onRecord: (runs) => void records.push(runs),
      ...FAST,
    });
    const out = await run.done;
    expect(out.kind).toBe('finished');
    expect(out.runs.map((r) => [r.step, r.chain, r.state])).toEqual([
      [0, 0, 'finished'],
      [1, 0, 'finished'],
    ]);
    expect(out.runs.every((r) => /^[0-9a-f]{32}$/.test(r.taskId ?? ''))).toBe(true);
    // Step 2 was sent the upscaled image's bytes (not a URL) and the mask fitted to it.
    const sent = out.runs[1]!.entry!.request;
    expect(sent.inpaint_input_image).toMatch(/^data:image\/png;base64,/);
    const sentMask = await sharp(
      Buffer.from(sent.inpaint_mask_image_upload!.split(',')[1]!, 'base64'),
    ).metadata();
    expect([sentMask.width, sentMask.height]).toEqual([1280, 960]);

    const finals = out.images.filter((x) => x.final);
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({ step: 1, chain: 0 });
    const upscaled = await pixels(client, out.runs[0]!.images[0]!.url);
    const final = await pixels(client, finals[0]!.url);
    expect([final.width, final.height]).toEqual([1280, 960]);
    // Repainted where the mask is white (top-left quarter), untouched elsewhere.
    expect(final.at(100, 100)).not.toEqual(upscaled.at(100, 100));
    expect(final.at(1000, 800)).toEqual(upscaled.at(1000, 800));
    expect(final.at(900, 100)).toEqual(upscaled.at(900, 100));
    // Every change was recorded, the last with both task ids.
    expect(records.at(-1)!.map((r) => r.taskId)).toEqual(out.runs.map((r) => r.taskId));
  });

  it('Vary → Enhance × 4 regions: the final image comes after all four', async () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: await photo() });
    const v = b.add('vary');
    b.wire(i, v);
    let prev = v;
    const regions = ['face', 'eye', 'mouth', 'hair'].map((w) => {
      const r = b.add('enhanceRegion', { enhance_mask_dino_prompt: w });
      b.wire(prev, r);
      prev = r;
      return r;
    });
    b.wire(prev, b.add('output'));
    const compiled = await compiledSteps(b.build('vary-4'));
    expect(compiled.steps).toHaveLength(2);
    const client = createFooocusClient({ baseUrl: sim.url });
    const out = await runCompiledSteps(client, compiled.steps, {
      journal: memoryJournal(),
      images: nodeImageAdapter,
      ...FAST,
    }).done;
    expect(out.kind).toBe('finished');
    // Step 1: Vary + three regions (4 images); step 2: the fourth region on step 1's last image.
    expect(out.images.map((x) => x.step)).toEqual([0, 0, 0, 0, 1]);
    expect(out.images).toHaveLength(compiled.plan.images.count);
    const sent = out.runs[1]!.entry!.request;
    const lastOfStep1 = Buffer.from(await client.download(out.runs[0]!.images[3]!.url)).toString('base64');
    expect(sent.enhance_input_image).toBe(`data:image/png;base64,${lastOfStep1}`);
    expect(
      sent.enhance_ctrls!.filter((c) => c.enhance_enabled).map((c) => c.enhance_mask_dino_prompt),
    ).toEqual(['hair']);
    const final = out.images.find((x) => x.final)!;
    expect(final.step).toBe(1);
    const size = await sharp(Buffer.from(await client.download(final.url))).metadata();
    expect({ width: size.width, height: size.height }).toEqual(compiled.plan.sizes[regions[3]!]);
  });

  it('N images in step 1: each continues alone through step 2, with seed + i', async () => {
    const b = new GraphBuilder();
    b.add('promptSettings', { image_number: 2, performance_selection: 'Lightning' });
    const i = b.add('inputImage', { image: await photo() });
    const m = b.add('mask', { image: await quarterMask() });
    const v = b.add('vary');
    const p = b.add('inpaint');
    b.wire(i, m, 'image').wire(i, v).wire(v, p).wire(m, p, 'mask').wire(p, b.add('output'));
    const compiled = await compiledSteps(b.build('n'));
    const client = createFooocusClient({ baseUrl: sim.url });
    const out = await runCompiledSteps(client, compiled.steps, {
      journal: memoryJournal(),
      images: nodeImageAdapter,
      keepIntermediate: false,
      ...FAST,
    }).done;
    expect(out.kind).toBe('finished');
    expect(out.runs.map((r) => [r.step, r.chain])).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expect(out.runs.slice(1).map((r) => r.entry!.request.image_seed)).toEqual([11, 12]);
    // Final images only (the Output's choice): one per image of step 1.
    expect(out.images.map((x) => [x.step, x.chain, x.final])).toEqual([
      [1, 0, true],
      [1, 1, true],
    ]);
  });

  it('Stop in step 2 keeps step 1’s images and names the step', async () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: await photo() });
    const m = b.add('mask', { image: await quarterMask() });
    const u = b.add('upscale', { method: 'Upscale (2x)' });
    const p = b.add('inpaint');
    b.wire(i, m, 'image').wire(i, u).wire(u, p).wire(m, p, 'mask').wire(p, b.add('output'));
    const compiled = await compiledSteps(b.build('stop'));
    const proxy = await startFaultProxy(sim.url);
    const first = sim.hold({ step: 0 });
    let second: ReturnType<SimEngine['hold']> | undefined;
    let third: ReturnType<SimEngine['hold']> | undefined;
    try {
      let stopSent = false;
      proxy.setRule((r) => {
        // The client's next request after its stop: the engine has the stop flag, go on.
        if (stopSent) third?.release();
        if (r.path.startsWith('/v1/engine/control')) stopSent = true;
        return 'pass';
      });
      const client = createFooocusClient({ baseUrl: proxy.url });
      const run = runCompiledSteps(client, compiled.steps, {
        journal: memoryJournal(),
        images: nodeImageAdapter,
        ...FAST,
      });
      await first.reached; // step 1's task, held as the worker picks it
      second = sim.hold({ step: 0 }); // the next task the worker picks: step 2's
      first.release();
      const picked = await second.reached;
      third = sim.hold({ step: 2, taskId: picked.taskId }); // running, mid-way through sampling
      second.release();
      await third.reached;
      expect(run.current()).toMatchObject({ step: 1 });
      run.stop();
      const out = await run.done;
      expect(out.kind).toBe('stopped');
      expect(out.step).toBe(1);
      expect(out.runs.map((r) => [r.step, r.state])).toEqual([
        [0, 'finished'],
        [1, 'stopped'],
      ]);
      expect(out.runs[1]!.taskId).toBe(picked.taskId);
      expect(out.images.map((x) => x.step)).toEqual([0]);
      expect(stopSent).toBe(true);
    } finally {
      first.release();
      second?.release();
      third?.release();
      await proxy.close();
    }
  });
  it('a failed step keeps its task id; retrying resumes from that step without sending step 1 again', async () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: await photo() });
    const m = b.add('mask', { image: await quarterMask() });
    const u = b.add('upscale', { method: 'Upscale (2x)' });
    const p = b.add('inpaint');
    b.wire(i, m, 'image').wire(i, u).wire(u, p).wire(m, p, 'mask').wire(p, b.add('output'));
    const compiled = await compiledSteps(b.build('retry'));
    const proxy = await startFaultProxy(sim.url);
    const submits: string[] = [];
    proxy.setRule((r) => {
      if (r.method === 'POST' && r.path.startsWith('/v1/engine/generate')) submits.push(r.path);
      return 'pass';
    });
    const first = sim.hold({ step: 0 });
    try {
      const client = createFooocusClient({ baseUrl: proxy.url });
      let record: StepRun[] = [];
      const options = {
        journal: memoryJournal(),
        images: nodeImageAdapter,
        runId: 'retry',
        onRecord: (runs: StepRun[]) => {
          record = runs;
        },
        ...FAST,
      };
      const run = runCompiledSteps(client, compiled.steps, options);
      await first.reached; // step 1 is submitted: the next generate (step 2's) finishes empty
      const empty = sim.inject({ kind: 'finish-empty-next' });
      first.release();
      const out = await run.done;
      await empty.fired;
      expect(out.kind).toBe('failed');
      expect(out.step).toBe(1);
      expect(out.error?.message).toMatch(/image/i);
      const failedTask = out.runs[1]!.taskId;
      expect(failedTask).toMatch(/^[0-9a-f]{32}$/);
      // Step 1's image is in the outcome: nothing paid for is lost.
      expect(out.images.map((x) => x.step)).toEqual([0]);
      expect(record.map((r) => [r.step, r.state])).toEqual([
        [0, 'finished'],
        [1, 'failed'],
      ]);
      expect(submits).toHaveLength(2);

      const again = await runCompiledSteps(client, compiled.steps, { ...options, resume: record }).done;
      expect(again.kind).toBe('finished');
      expect(submits).toHaveLength(3); // only step 2 was sent again
      expect(again.runs[0]!.taskId).toBe(out.runs[0]!.taskId);
      expect(again.runs[1]!.taskId).not.toBe(failedTask);
      expect(again.runs[1]!.failedTaskIds).toEqual([failedTask]);
      expect(again.images.map((x) => [x.step, x.final])).toEqual([
        [0, false],
        [1, true],
      ]);
    } finally {
      first.release();
      await proxy.close();
    }
  });
});
