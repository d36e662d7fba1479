/**
 * The client against the simulated engine (server/sim) over real HTTP on 127.0.0.1: the four seed
 * examples in both modes, and each injected fault.
 */
import sharp from 'sharp';
import { createFooocusClient } from '../../api/client.ts';
import { FooocusApiError } from '../../api/errors.ts';
import { memoryJournal } from '../../api/run-journal.ts';
import { mapValidationErrors } from '../../api/validation-map.ts';
import { startFaultProxy } from '../faults/fault-proxy.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { seedExamples, type SeedExample } from './seed-requests.ts';

let sim: SimEngine;
let examples: SeedExample[];
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
  examples = await seedExamples();
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.releaseHolds();
  sim.inject({ kind: 'clear' });
  sim.setApiKey(undefined);
  sim.setSpeed(0);
});

async function failure(p: Promise<unknown>): Promise<FooocusApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FooocusApiError);
  return e as FooocusApiError;
}

describe.each(['poll', 'stream'] as const)('seed examples against the simulator (%s)', (mode) => {
  it.each([0, 1, 2, 3])('example %i returns the right number and sizes of images', async (i) => {
    const example = examples[i]!;
    const client = createFooocusClient({ baseUrl: sim.url });
    const progress: number[] = [];
    const result = await client.run(example.request, {
      mode,
      intervalMs: 20,
      onProgress: (p) => progress.push(p.progress),
      expectedImages: example.expected.length,
    });
    expect(result.warnings).toEqual([]);
    expect(result.task?.task_status).toBe('finished');
    const sizes = [];
    for (const image of result.images) {
      expect(image.url.startsWith(`${sim.url}/outputs/`)).toBe(true);
      const meta = await sharp(Buffer.from(await client.download(image.url))).metadata();
      sizes.push({ width: meta.width, height: meta.height });
    }
    expect(sizes).toEqual(example.expected);
    expect(progress.length).toBeGreaterThan(0);
  });
});

describe('tracked runs against the realistic engine', () => {
  it.each([0, 1, 2, 3])('example %i: the right number and sizes of images, journal finished', async (i) => {
    const example = examples[i]!;
    const client = createFooocusClient({ baseUrl: sim.url });
    const journal = memoryJournal();
    const out = await client.startRun(example.request, {
      journal,
      intervalMs: 20,
      expectedImages: example.expected.length,
    }).done;
    expect(out.kind).toBe('finished');
    if (out.kind !== 'finished') return;
    expect(out.warnings).toEqual([]);
    const sizes = [];
    for (const image of out.images) {
      const meta = await sharp(Buffer.from(await client.download(image.url))).metadata();
      sizes.push({ width: meta.width, height: meta.height });
    }
    expect(sizes).toEqual(example.expected);
    expect(journal.latest()).toMatchObject({ state: 'finished', taskId: out.taskId, submits: 1 });
  });

  it('Stop at a held step of image 2: the server confirms, and image 1 (finished before) is returned', async () => {
    const proxy = await startFaultProxy(sim.url);
    const first = sim.hold({ step: 2 });
    const second = sim.hold({ step: 2 });
    try {
      let stopSent = false;
      proxy.setRule((r) => {
        // The client's next request after its stop: the engine has the stop flag, go on.
        if (stopSent) second.release();
        if (r.path.startsWith('/v1/engine/control')) stopSent = true;
        return 'pass';
      });
      const client = createFooocusClient({ baseUrl: proxy.url });
      const run = client.startRun(
        { image_seed: 31, prompt: 'two images', image_number: 2, performance_selection: 'Lightning' },
        { journal: memoryJournal(), intervalMs: 10 },
      );
      await first.reached;
      first.release();
      await second.reached; // image 2, step 2: image 1 is saved
      run.stop();
      const out = await run.done;
      expect(out.kind).toBe('stopped');
      if (out.kind !== 'stopped') return;
      expect(out.record.task_status).toBe('stop');
      expect(out.images).toHaveLength(1);
      expect(stopSent).toBe(true);
    } finally {
      first.release();
      second.release();
      await proxy.close();
    }
  });
});

describe('faults against the simulator', () => {
  it('wrong API key → forbidden; right key → ok', async () => {
    sim.setApiKey('s3cret');
    const e = await failure(createFooocusClient({ baseUrl: sim.url, apiKey: 'nope' }).listStyles());
    expect(e.kind).toBe('forbidden');
    const styles = await createFooocusClient({ baseUrl: sim.url, apiKey: 's3cret' }).listStyles();
    expect(styles).toContain('Fooocus V2');
  });

  it('a 500 on generate → server', async () => {
    sim.inject({ kind: 'http-500-next' });
    const e = await failure(createFooocusClient({ baseUrl: sim.url }).run({ image_seed: 1 }));
    expect(e.kind).toBe('server');
    expect(e.status).toBe(500);
  });

  it('a task that finishes empty → empty-result (poll and stream)', async () => {
    const client = createFooocusClient({ baseUrl: sim.url });
    sim.inject({ kind: 'finish-empty-next' });
    expect((await failure(client.run({ image_seed: 1 }, { intervalMs: 10 }))).kind).toBe('empty-result');
    sim.inject({ kind: 'finish-empty-next' });
    expect((await failure(client.run({ image_seed: 1 }, { mode: 'stream' }))).kind).toBe('empty-result');
  });

  it('an unknown style really crashes the simulated worker → empty-result', async () => {
    const e = await failure(
      createFooocusClient({ baseUrl: sim.url }).run(
        { image_seed: 1, style_selections: ['No Such Style'] },
        { intervalMs: 10 },
      ),
    );
    expect(e.kind).toBe('empty-result');
  });

  it('a stream cut mid-way → stream-cut', async () => {
    sim.inject({ kind: 'cut-stream-after', events: 3 });
    let seen = 0;
    const e = await failure(
      createFooocusClient({ baseUrl: sim.url }).run(
        { image_seed: 1 },
        { mode: 'stream', onProgress: () => seen++ },
      ),
    );
    expect(e.kind).toBe('stream-cut');
    // The simulator destroys the socket right after writing event 3, which may take that write with it.
    expect(seen).toBeGreaterThan(0);
    expect(e.message).toContain(`after ${seen} event`);
  });

  it('a slow reply → timeout', async () => {
    sim.inject({ kind: 'delay-reply-ms', ms: 3000 });
    const e = await failure(
      createFooocusClient({ baseUrl: sim.url, requestTimeoutMs: 100 }).submit({ image_seed: 1 }),
    );
    expect(e.kind).toBe('timeout');
  });

  it('stop during a run → stopped (poll), with status "stop" on the server', async () => {
    sim.setSpeed(20);
    const client = createFooocusClient({ baseUrl: sim.url });
    let asked = false;
    const e = await failure(
      client.run(
        { image_seed: 1, image_number: 2 },
        {
          intervalMs: 10,
          onProgress: (p) => {
            if (p.progress > 0 && !asked) {
              asked = true;
              void client.stop();
            }
          },
        },
      ),
    );
    expect(e.kind).toBe('stopped');
    expect((e.task as { task_status: string }).task_status).toBe('stop');
  });

  it('stop during a streamed run → stopped', async () => {
    sim.setSpeed(20);
    const client = createFooocusClient({ baseUrl: sim.url });
    let asked = false;
    const run = client.run(
      { image_seed: 1, image_number: 2 },
      {
        mode: 'stream',
        onProgress: (p) => {
          if (p.message.startsWith('Sampling') && !asked) {
            asked = true;
            void client.stop();
          }
        },
      },
    );
    expect((await failure(run)).kind).toBe('stopped');
  });

  it('a 422 is mapped back to the node through the provenance map', async () => {
    const e = await failure(
      createFooocusClient({ baseUrl: sim.url }).submit({
        image_seed: 1,
        controlnet_image: [{ cn_img: null, cn_stop: 0.5, cn_weight: 7, cn_type: 'ImagePrompt' }],
      }),
    );
    expect(e.kind).toBe('validation');
    const mapped = mapValidationErrors(e.details!, {
      'controlnet_image.0': [{ nodeId: 'ip-1' }],
      'controlnet_image.0.cn_weight': [{ nodeId: 'ip-1', param: 'cn_weight' }],
    });
    expect(mapped).toEqual([
      expect.objectContaining({ nodeId: 'ip-1', param: 'cn_weight', field: 'controlnet_image.0.cn_weight' }),
    ]);
    expect(mapped[0]!.message).toMatch(/less than or equal to 2/);
  });
});
