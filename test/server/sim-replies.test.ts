/**
 * Reply dispatch and the task life cycle (contract §5.1–5.5): SSE framing, async polling through
 * null → running → finished, stop and skip, binary replies, req_params rewriting, webhook.
 */
import { createServer, type Server } from 'node:http';
import sharp from 'sharp';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { generate, pngDataUrl, postJson, rawRequest, settle, waitFor, type TaskRecord } from './helpers.ts';

let sim: SimEngine;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 0 });
});
afterAll(() => sim.close());
afterEach(async () => {
  sim.setSpeed(0);
  await settle(sim);
});

interface Listing {
  history: TaskRecord[];
  current: TaskRecord[];
  pending: TaskRecord[];
}

async function submitAsync(body: Record<string, unknown>): Promise<string> {
  const res = await postJson(sim.url, '/v1/engine/generate/', { async_process: true, ...body });
  return ((await res.json()) as { task_id: string }).task_id;
}

async function task(id: string): Promise<TaskRecord> {
  return (await (await fetch(`${sim.url}/tasks/${id}`)).json()) as TaskRecord;
}

describe('stream replies', () => {
  it('uses sse-starlette framing with Python json.dumps separators and ends with Finished', async () => {
    // Held at step 2, the drainer catches up, so the step-2 event is sure to be sent.
    const held = sim.hold({ step: 2 });
    const res = await postJson(sim.url, '/v1/engine/generate/', {
      stream_output: true,
      image_seed: 5,
      performance_selection: 'Lightning',
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('Sampling step 2/4')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended early: ${text}`);
      text += decoder.decode(value, { stream: true });
    }
    held.release();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
    const frames = text.split('\r\n\r\n').filter(Boolean);
    for (const frame of frames)
      expect(frame).toMatch(
        /^data: \{"progress": \d+, "preview": .*, "message": ".*", "images": \[.*\]\}\r\ndata: $/,
      );
    const events = frames.map((f) => JSON.parse(f.split('\r\n')[0]!.slice(6)) as Record<string, unknown>);
    const sampling = events.filter((e) => String(e.message).startsWith('Sampling step'));
    // The drainer reads one update per tick and drops a preview when another is queued (runtime
    // doc §3): the steps that do arrive come in order; step 2, where the worker waited, is there.
    const steps = sampling.map((e) =>
      Number(/^Sampling step (\d)\/4, image 1\/1 \.\.\.$/.exec(String(e.message))![1]),
    );
    expect(steps).toContain(2);
    expect([...steps].sort()).toEqual(steps);
    const step2 = sampling[steps.indexOf(2)]!;
    expect(String(step2.preview)).toMatch(/^data:image\/png;base64,/);
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ progress: 100, preview: null, message: 'Finished' });
    expect(last.images).toHaveLength(1);
  });

  it('a bad image ends the stream with no events', async () => {
    const res = await postJson(sim.url, '/v1/engine/generate/', {
      stream_output: true,
      uov_input_image: 'aGVsbG8=',
      uov_method: 'Vary (Subtle)',
    });
    expect(res.status).toBe(200);
    const text = await res.text().catch(() => '');
    expect(text).toBe('');
  });

  it('a stream can be cut by an injected fault', async () => {
    sim.inject({ kind: 'cut-stream-after', events: 2 });
    const res = await postJson(sim.url, '/v1/engine/generate/', {
      stream_output: true,
      performance_selection: 'Lightning',
    });
    const text = await res.text().catch(() => 'cut');
    expect(text).not.toContain('Finished');
  });
});

describe('async replies and the task life cycle', () => {
  async function finished(id: string, status = 'finished'): Promise<TaskRecord> {
    return waitFor(async () => {
      const t = await task(id);
      return t.task_status === status ? t : undefined;
    }, status);
  }

  async function running(id: string): Promise<TaskRecord> {
    return waitFor(async () => {
      const t = await task(id);
      return t.task_status === 'running' && t.task_id === id ? t : undefined;
    }, `${id} running`);
  }

  it('returns the stub, then the record goes null → running → finished', async () => {
    // A first task, held at its first step, keeps the worker busy so the second one is seen queued.
    const busy = sim.hold({ step: 1 });
    const blocker = await submitAsync({ performance_selection: 'Lightning', image_seed: 1 });
    await busy.reached;
    const picked = sim.hold({ step: 0 }); // the next task the worker picks: the one below
    const stubRes = await postJson(sim.url, '/v1/engine/generate/', {
      async_process: true,
      performance_selection: 'Lightning',
      image_seed: 2,
    });
    const stub = (await stubRes.json()) as TaskRecord;
    expect(stub).toEqual({
      id: -1,
      task_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      req_params: {},
      in_queue_mills: -1,
      start_mills: -1,
      finish_mills: -1,
      task_status: 'pending',
      progress: -1,
      preview: '',
      webhook_url: '',
      result: [],
    });
    const queued = await task(stub.task_id);
    expect(queued).toMatchObject({
      task_status: null,
      start_mills: null,
      finish_mills: null,
      progress: null,
      result: null,
    });
    expect('preview' in queued).toBe(false);
    const listed = (await (await fetch(`${sim.url}/tasks?query=pending`)).json()) as Listing;
    expect(listed.pending.map((t) => t.task_id)).toContain(stub.task_id);
    expect(listed.history.map((t) => t.task_id)).not.toContain(stub.task_id);

    busy.release();
    expect(await picked.reached).toEqual({ taskId: stub.task_id, step: 0 });
    await finished(blocker);
    // Picked by the worker, no update seen yet: the DB row with nulls, no longer pending.
    expect(await task(stub.task_id)).toMatchObject({ task_status: null, result: null });
    const afterPick = (await (await fetch(`${sim.url}/tasks?page_size=100`)).json()) as Listing;
    expect(afterPick.pending.map((t) => t.task_id)).not.toContain(stub.task_id);
    expect(afterPick.history.map((t) => t.task_id)).toContain(stub.task_id);

    const atStep2 = sim.hold({ step: 2, taskId: stub.task_id });
    picked.release();
    await atStep2.reached;
    const run = await waitFor(async () => {
      const t = await task(stub.task_id);
      return t.task_status === 'running' && t.preview ? t : undefined;
    }, 'running with the step-2 preview');
    expect(run).toMatchObject({ id: -1, finish_mills: -1, result: [], webhook_url: '' });
    expect(run.preview).not.toMatch(/^data:/);
    const current = (await (await fetch(`${sim.url}/tasks?query=current`)).json()) as Listing;
    expect(current.current.map((t) => t.task_id)).toEqual([stub.task_id]);

    atStep2.release();
    const done = await finished(stub.task_id);
    expect(done.progress).toBe(100);
    expect(done.result).toHaveLength(1);
    expect(done.start_mills).toBeGreaterThan(0);
    const history = (await (await fetch(`${sim.url}/tasks?query=history&page_size=100`)).json()) as Listing;
    expect(history.history.map((t) => t.task_id)).toEqual(expect.arrayContaining([stub.task_id, blocker]));
  });

  it('stop ends the running task as "stop" with the images finished so far', async () => {
    const held = sim.hold({ step: 2 });
    const id = await submitAsync({ image_number: 3, image_seed: 4, performance_selection: 'Lightning' });
    await held.reached;
    await running(id);
    const reply = await fetch(`${sim.url}/v1/engine/control?action=stop`, { method: 'POST' });
    expect(await reply.json()).toEqual({ message: 'task stoped' });
    held.release();
    const done = await finished(id, 'stop');
    expect(done.result).toEqual([]);
  });

  it('skip drops the current image and the run continues', async () => {
    const held = sim.hold({ step: 2 });
    const id = await submitAsync({ image_number: 2, image_seed: 4, performance_selection: 'Lightning' });
    await held.reached;
    await running(id);
    expect(
      await (await fetch(`${sim.url}/v1/engine/control?action=skip`, { method: 'POST' })).json(),
    ).toEqual({
      message: 'task skiped',
    });
    held.release();
    const done = await finished(id);
    expect(done.result).toHaveLength(1);
  });
});

describe('binary replies', () => {
  it('Accept: image/webp returns one webp image; image/* means png; image/jpg is a 500', async () => {
    const webp = await postJson(
      sim.url,
      '/v1/engine/generate/',
      { image_number: 3, performance_selection: 'Lightning' },
      { accept: 'image/webp' },
    );
    expect(webp.status).toBe(200);
    expect(webp.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await webp.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1152, 896]);
    const any = await postJson(
      sim.url,
      '/v1/engine/generate/',
      { performance_selection: 'Lightning' },
      { accept: 'image/*' },
    );
    expect(any.headers.get('content-type')).toBe('image/png');
    await any.arrayBuffer();
    const jpg = await postJson(
      sim.url,
      '/v1/engine/generate/',
      { performance_selection: 'Lightning' },
      { accept: 'image/jpg' },
    );
    expect(jpg.status).toBe(500);
  });

  it('no result → 204', async () => {
    const res = await postJson(
      sim.url,
      '/v1/engine/generate/',
      { style_selections: ['Nope'] },
      { accept: 'image/png' },
    );
    expect(res.status).toBe(204);
  });
});

describe('server rewriting (req_params)', () => {
  it('rewrites aspect, LoRAs, ControlNet slots, enhance items, flags and images', async () => {
    const img = await pngDataUrl(32, 32);
    const rec = await generate(sim.url, {
      image_seed: 77,
      aspect_ratios_selection: '896*1152',
      loras: [{ enabled: true, model_name: 'sd_xl_offset_example-lora_1.0.safetensors', weight: 0.1 }],
      controlnet_image: [
        { cn_img: img, cn_stop: 0.5, cn_weight: 0.6, cn_type: 'ImagePrompt' },
        {},
        {},
        {},
        {},
        {},
      ],
      enhance_ctrls: [{ enhance_enabled: false }],
      uov_input_image: img,
      uov_method: 'Vary (Subtle)',
      invert_mask_checkbox: true,
      current_tab: 'inpaint',
    });
    const p = rec.req_params;
    expect(p.aspect_ratios_selection).toBe('896×1152');
    expect(p.image_seed).toBe(77);
    expect(p.loras).toEqual([
      true,
      'sd_xl_offset_example-lora_1.0.safetensors',
      0.1,
      true,
      'None',
      1,
      true,
      'None',
      1,
      true,
      'None',
      1,
      true,
      'None',
      1,
    ]);
    const cn = p.controlnet_image as { cn_img: string }[];
    expect(cn).toHaveLength(4);
    expect(cn[0]!.cn_img).toMatch(/\/inputs\/[0-9a-f]{64}\.png$/);
    expect(cn[1]).toEqual({ cn_img: '', cn_stop: 0.6, cn_weight: 0.6, cn_type: 'ImagePrompt' });
    expect(p.enhance_ctrls).toHaveLength(3);
    expect(p.current_tab).toBe('ip');
    expect(p.input_image_checkbox).toBe(true);
    expect(p.invert_mask_checkbox).toBe(false);
    expect(p.inpaint_advanced_masking_checkbox).toBe(false);
    expect(p.inpaint_input_image).toBe('');
    expect(p.uov_method).toBe('Vary (Subtle)');
    // image prompt without the mixing flag: text-to-image at the aspect ratio, uov ignored
    expect(rec.result).toHaveLength(1);
  });

  it('does not cut enhance_ctrls beyond 3', async () => {
    const rec = await generate(sim.url, { enhance_ctrls: [{}, {}, {}, {}] });
    expect(rec.req_params.enhance_ctrls).toHaveLength(4);
  });

  it('replaces -1 and out-of-range seeds with a random 63-bit seed written as raw digits', async () => {
    const res = await postJson(sim.url, '/v1/engine/generate/', {
      image_seed: '9223372036854775808',
      performance_selection: 'Lightning',
    });
    const text = await res.text();
    const digits = /"image_seed":(\d+)/.exec(text)![1]!;
    expect(BigInt(digits) <= 2n ** 63n - 1n).toBe(true);
    const big = await postJson(
      sim.url,
      '/v1/engine/generate/',
      '{"image_seed": 9223372036854775807, "performance_selection": "Lightning"}',
    );
    expect(await big.text()).toContain('"image_seed":9223372036854775807');
    const random = await generate(sim.url, {});
    expect(random.req_params.image_seed).not.toBe(-1);
  });

  it('the same seed and prompt draw the same pixels', async () => {
    const a = await generate(sim.url, { image_seed: 123, prompt: 'a fox' });
    const b = await generate(sim.url, { image_seed: 123, prompt: 'a fox' });
    const c = await generate(sim.url, { image_seed: 124, prompt: 'a fox' });
    const pixels = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
    const raw = async (url: string) =>
      sharp(await pixels(url))
        .raw()
        .toBuffer();
    expect((await raw(a.result![0]!)).equals(await raw(b.result![0]!))).toBe(true);
    expect((await raw(a.result![0]!)).equals(await raw(c.result![0]!))).toBe(false);
  });

  it('an unreachable URL is silently no image; a non-image URL body is a 500', async () => {
    const rec = await generate(sim.url, {
      uov_input_image: 'http://127.0.0.1:9/nothing.png',
      uov_method: 'Vary (Strong)',
    });
    expect(rec.req_params.uov_input_image).toBe('');
    expect(rec.result).toHaveLength(1);
    const notImage = await postJson(sim.url, '/v1/engine/generate/', {
      uov_input_image: `${sim.url}/docs`,
      uov_method: 'Vary (Strong)',
    });
    expect(notImage.status).toBe(500);
  });
});

describe('webhook', () => {
  let hook: Server;
  afterAll(() => new Promise<void>((r) => hook.close(() => r())));

  it('posts the record JSON encoded a second time as a JSON string', async () => {
    const bodies: string[] = [];
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    const port = (hook.address() as { port: number }).port;
    const rec = await generate(sim.url, { webhook_url: `http://127.0.0.1:${port}/hook` });
    const body = await waitFor(async () => bodies[0], 'the webhook');
    const record = JSON.parse(JSON.parse(body) as string) as TaskRecord;
    expect(record.task_id).toBe(rec.task_id);
    expect(record.task_status).toBe('finished');
  });
});

describe('raw reply details', () => {
  it('sync replies are compact JSON with progress 100', async () => {
    const r = await rawRequest(sim.url, {
      method: 'POST',
      path: '/v1/engine/generate/',
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: '{"performance_selection": "Lightning"}',
    });
    expect(r.body.toString()).toMatch(/^\{"id":\d+,"task_id":"[0-9a-f]{32}","req_params":\{/);
    expect(r.body.toString()).toContain('"task_status":"finished","progress":100,');
  });
});
