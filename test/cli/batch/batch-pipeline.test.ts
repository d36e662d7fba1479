/**
 * `fooocus-flow batch` with a workflow one request cannot do — Vary (Strong) → Inpaint, two
 * requests per item (compiler/steps) — as a real process on two simulated engines, 4 items. Each
 * item runs both its steps on one server and keeps the last step's image. The batch is killed
 * (SIGKILL) while one item's step 2 is held on engine A: the manifest has that item's step-1 task
 * and its step-2 task id, and running the command again follows step 2 — step 1 is not sent again,
 * step 2 not twice (the engines' own histories say so).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createFooocusClient } from '../../../api/client.ts';
import { serializeWorkflow } from '../../../compiler/workflow-file/index.ts';
import { GraphBuilder } from '../../../nodes/build.ts';
import { startSimEngine, type SimEngine } from '../../../server/sim/index.ts';
import { removeTempDirs, spawnCli, tempDir, waitFor, writePhotos } from './helpers.ts';

const TUNING = JSON.stringify({
  intervalMs: 20,
  queueCheckMs: 50,
  // A task not yet shown as current (the engine hides it until its first update, as FooocusAPI
  // does) must not be judged lost on a busy machine: only the killed engine's task is.
  lostAfterOutageMs: 5000,
  serverBackoffMs: 100,
  searchGraceMs: 100,
  readBackoffMs: 20,
});

let sims: SimEngine[] = [];
afterEach(async () => {
  for (const s of sims) s.releaseHolds();
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  await removeTempDirs();
});

/** Input Image → Vary (Strong) → Inpaint (mask) → Output, run as steps; `image` and `mask` exposed. */
async function writeVaryInpaint(dir: string): Promise<string> {
  const b = new GraphBuilder();
  const s = b.add('promptSettings', { prompt: 'a product photo', performance_selection: 'Lightning' });
  const img = b.add('inputImage', {}, 'Photo');
  const mask = b.add('mask');
  const vary = b.add('vary', { method: 'Vary (Strong)' });
  const paint = b.add('inpaint');
  b.wire(img, mask, 'image').wire(img, vary).wire(vary, paint).wire(mask, paint, 'mask');
  b.wire(paint, b.add('output'));
  const wf = b.build('Vary then inpaint');
  wf.overflow = 'steps';
  wf.exposed = [
    { nodeId: img, param: 'image', name: 'image' },
    { nodeId: mask, param: 'image', name: 'mask' },
    { nodeId: s, param: 'prompt', name: 'prompt' },
  ];
  const path = join(dir, 'vary-inpaint.json');
  await writeFile(path, serializeWorkflow(wf));
  return path;
}

/** One mask for every item: the top-left quarter white. */
async function writeMask(dir: string): Promise<string> {
  const white = await sharp({ create: { width: 48, height: 32, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
  const path = join(dir, 'mask.png');
  await sharp({ create: { width: 96, height: 64, channels: 3, background: '#000000' } })
    .composite([{ input: white, left: 0, top: 0 }])
    .png()
    .toFile(path);
  return path;
}

interface PipelineManifest {
  items: {
    id: string;
    seed: number;
    state: string;
    server?: string;
    files?: string[];
    entry?: { steps?: { step: number; taskId?: string }[] };
    result?: { taskId: string; tasks?: { step: number; chain: number; taskId: string }[] };
  }[];
}

const readPipelineManifest = async (out: string) =>
  JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as PipelineManifest;

/** Every task an engine recorded: which engine, seed, status and whether it was an inpaint (step 2). */
async function history(engines: SimEngine[]) {
  const rows: { taskId: string; seed: number; status: string | null; engine: number; inpaint: boolean }[] =
    [];
  for (const [engine, sim] of engines.entries()) {
    const list = await createFooocusClient({ baseUrl: sim.url }).listTasks({
      query: 'history',
      pageSize: 200,
    });
    for (const r of list.history)
      rows.push({
        taskId: r.task_id,
        seed: Number(r.req_params?.image_seed),
        status: r.task_status ?? null,
        engine,
        inpaint: isInpaint(r.req_params),
      });
  }
  return rows;
}

function isInpaint(params: Record<string, unknown> | null | undefined): boolean {
  const image = params?.['inpaint_input_image'];
  return typeof image === 'string' && image !== '';
}

/**
 * Holds engine `sim`'s tasks one after the other at sampling step 1 until one is a step 2 (an
 * inpaint); that one stays held. The next hold is set before the previous one is released, so no
 * task slips through unseen.
 */
async function holdFirstInpaint(sim: SimEngine) {
  const client = createFooocusClient({ baseUrl: sim.url });
  let hold = sim.hold({ step: 1 });
  for (;;) {
    const point = await hold.reached;
    const task = await client.getTask(point.taskId);
    if (isInpaint(task?.req_params)) return { hold, taskId: point.taskId };
    const next = sim.hold({ step: 1 });
    hold.release();
    hold = next;
  }
}

describe('fooocus-flow batch: a workflow that runs as steps', () => {
  it('runs Vary → Inpaint per item on one server each; killed in step 2, it resumes at step 2: nothing sent twice', async () => {
    const dir = await tempDir();
    const workflow = await writeVaryInpaint(dir);
    const photos = await writePhotos(dir, 4);
    const mask = await writeMask(dir);
    const out = join(dir, 'out');
    sims = await Promise.all([0, 1].map(() => startSimEngine({ port: 0, speed: 0, tickMs: 10 })));
    const [a] = sims as [SimEngine, SimEngine];
    const args = [
      'batch',
      workflow,
      '--out',
      out,
      '--input',
      `image=${photos}`,
      '--input',
      `mask=${mask}`,
      '--servers',
      sims.map((s) => s.url).join(','),
    ];
    const env = { FOOOCUS_FLOW_BATCH_TUNING: TUNING };

    const heldStep2 = holdFirstInpaint(a);
    const first = spawnCli(args, env);
    const held = await heldStep2;
    // The manifest names the held task as the item's step 2, after its finished step 1.
    const before = await waitFor(
      () => readPipelineManifest(out),
      (m) => m.items.some((i) => i.entry?.steps?.some((r) => r.step === 1 && r.taskId === held.taskId)),
      'the held step-2 task recorded in the manifest',
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    const heldItem = before.items.find((i) =>
      i.entry?.steps?.some((r) => r.step === 1 && r.taskId === held.taskId),
    )!;
    const step1Task = heldItem.entry!.steps!.find((r) => r.step === 0)!.taskId;
    expect(step1Task).toMatch(/^[0-9a-f]{32}$/);

    // The same command again; the held step 2 goes on once the first run is gone.
    const second = spawnCli(args, env);
    held.hold.release();
    expect(await second.exited, second.out.text).toBe(0);

    const manifest = await readPipelineManifest(out);
    expect(manifest.items).toHaveLength(4);
    const rows = await history(sims);
    const finished = rows.filter((r) => r.status === 'finished');
    for (const item of manifest.items) {
      expect(item.state).toBe('done');
      // Two requests per item, both recorded with their task ids; the result is step 2's.
      const tasks = item.result!.tasks!;
      expect(tasks.map((t) => t.step)).toEqual([1, 2]);
      expect(item.result!.taskId).toBe(tasks[1]!.taskId);
      // Each engine's history: exactly one Vary and one Inpaint for this item, on the same engine.
      const mine = finished.filter((r) => r.seed === item.seed);
      expect(mine.map((r) => r.inpaint).sort()).toEqual([false, true]);
      expect(mine[0]!.engine).toBe(mine[1]!.engine);
      expect(mine.map((r) => r.taskId).sort()).toEqual(tasks.map((t) => t.taskId).sort());
      // One file: the final (inpainted) image, at the size Vary made.
      expect(item.files).toHaveLength(1);
      const meta = await sharp(join(out, item.files![0]!)).metadata();
      expect(meta.width).toBeGreaterThan(0);
    }
    // The held item: step 1 was not sent again, step 2 is the task that was held, followed.
    const again = manifest.items.find((i) => i.id === heldItem.id)!;
    expect(again.result!.tasks).toEqual([
      { step: 1, chain: 1, taskId: step1Task },
      { step: 2, chain: 1, taskId: held.taskId },
    ]);
    expect(rows.filter((r) => r.seed === heldItem.seed)).toHaveLength(2);
    // The contact sheet shows every item done.
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect((html.match(/class="item done"/g) ?? []).length).toBe(4);
  }, 180_000);
});
