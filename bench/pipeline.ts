/**
 * Pipeline figures: the overhead between the steps of a graph that runs as several requests — from
 * step k's task finishing on the engine (`finish_mills`, stamped by the in-process simulator) to
 * step k+1's submit (the journal's `submittedAt`, taken just before the POST). It covers noticing
 * the end by polling, downloading the result, putting it into the next request (base64, the mask
 * fitted to the new size with sharp) and recording the run. Same process, same clock.
 */
import sharp from 'sharp';
import { createFooocusClient } from '../api/client.ts';
import { memoryJournal } from '../api/run-journal.ts';
import { runCompiledSteps } from '../api/run-steps.ts';
import { compile } from '../compiler/compile.ts';
import { prepareImages } from '../compiler/prepare/index.ts';
import { nodeImageAdapter } from '../cli/node-image-adapter.ts';
import { GraphBuilder } from '../nodes/build.ts';
import type { Workflow } from '../nodes/graph.ts';
import { startSimEngine } from '../server/sim/index.ts';

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function photo(width: number, height: number): Promise<string> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i += 3) raw.set([(i / 3) % 255, (i / 7) % 255, 90], i);
  const png = await sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

async function mask(width: number, height: number): Promise<string> {
  const white = await sharp({
    create: { width: width / 2, height: height / 2, channels: 3, background: '#fff' },
  })
    .png()
    .toBuffer();
  const png = await sharp({ create: { width, height, channels: 3, background: '#000' } })
    .composite([{ input: white, left: 0, top: 0 }])
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

async function upscaleInpaint(): Promise<Workflow> {
  const b = new GraphBuilder();
  const i = b.add('inputImage', { image: await photo(640, 480) });
  const m = b.add('mask', { image: await mask(640, 480) });
  const u = b.add('upscale', { method: 'Upscale (2x)' });
  const p = b.add('inpaint');
  b.wire(i, m, 'image').wire(i, u).wire(u, p).wire(m, p, 'mask').wire(p, b.add('output'));
  return { ...b.build('upscale-inpaint'), overflow: 'steps' };
}

async function varyFourRegions(): Promise<Workflow> {
  const b = new GraphBuilder();
  const i = b.add('inputImage', { image: await photo(640, 480) });
  const v = b.add('vary');
  b.wire(i, v);
  let prev = v;
  for (const w of ['face', 'eye', 'mouth', 'hair']) {
    const r = b.add('enhanceRegion', { enhance_mask_dino_prompt: w });
    b.wire(prev, r);
    prev = r;
  }
  b.wire(prev, b.add('output'));
  return { ...b.build('vary-4'), overflow: 'steps' };
}

export async function benchPipeline(): Promise<Record<string, string | number>> {
  // The real server's read loop (200 ms) and the client's default poll interval (250 ms).
  const sim = await startSimEngine({ port: 0, speed: 0 });
  const figures: Record<string, string | number> = {};
  try {
    const client = createFooocusClient({ baseUrl: sim.url });
    for (const [name, build] of [
      ['Upscale 2x → Inpaint 640×480', upscaleInpaint],
      ['Vary → 4 Enhance Regions 640×480', varyFourRegions],
    ] as const) {
      const wf = await build();
      const prepared = await prepareImages(wf, nodeImageAdapter);
      const steps = compile(wf, { images: prepared.images }).steps;
      const total: number[] = [];
      const noticed: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const out = await runCompiledSteps(client, steps, {
          journal: memoryJournal(),
          images: nodeImageAdapter,
        }).done;
        if (out.kind !== 'finished') throw new Error(`${name}: ${out.kind} ${out.error?.message ?? ''}`);
        const [first, second] = out.runs;
        const finished = first!.entry?.final?.finish_mills;
        const receivedAt = first!.entry?.updatedAt;
        const submitted = second!.entry?.submittedAt;
        if (typeof finished !== 'number' || !submitted || !receivedAt) throw new Error(`${name}: no times`);
        total.push(submitted - finished);
        noticed.push(receivedAt - finished);
      }
      const rest = total.map((t, i) => t - noticed[i]!);
      figures[`${name}: step 1 finish → step 2 submit, median ms`] = Math.round(median(total));
      figures[`${name}: finish → noticed by polling, median ms`] = Math.round(median(noticed));
      figures[`${name}: noticed → submit (download, base64, mask, journal), median ms`] = Math.round(
        median(rest),
      );
    }
  } finally {
    await sim.close();
  }
  return figures;
}
