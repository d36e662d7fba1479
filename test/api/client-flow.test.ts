/**
 * The happy paths against a scripted server: what goes on the wire, the task states while polling,
 * the stream, stop, downloads and the tool endpoints.
 */
import { createFooocusClient } from '../../api/client.ts';
import { FooocusApiError } from '../../api/errors.ts';
import type { ProgressEvent } from '../../api/progress.ts';
import {
  record,
  sendJson,
  sseFrame,
  startFakeServer,
  STUB,
  TASK_ID,
  type FakeServer,
} from './fake-server.ts';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const RESULT = [
  'http://127.0.0.1:7866/outputs/2024-07-26/a.png',
  'http://127.0.0.1:7866/outputs/2024-07-26/b.png',
];

describe('client on the wire', () => {
  it('posts to /v1/engine/generate/ with JSON headers, async forced, and no API key unless configured', async () => {
    server = await startFakeServer((_req, res) => sendJson(res, 200, STUB));
    const plain = createFooocusClient({ baseUrl: `${server.url}/` });
    expect(await plain.submit({ prompt: 'a cat', stream_output: true })).toBe(TASK_ID);
    const keyed = createFooocusClient({ baseUrl: server.url, apiKey: 'secret' });
    await keyed.submit({});

    const [first, second] = server.seen;
    expect(first!.method).toBe('POST');
    expect(first!.url).toBe('/v1/engine/generate/');
    expect(first!.headers['content-type']).toBe('application/json');
    expect(first!.headers['accept']).toBe('application/json');
    expect(first!.headers['x-api-key']).toBeUndefined();
    expect(first!.headers['cookie']).toBeUndefined();
    expect(JSON.parse(first!.body)).toEqual({ prompt: 'a cat', stream_output: false, async_process: true });
    expect(second!.headers['x-api-key']).toBe('secret');
  });

  it('follows a task through pending, unknown, queued, running (with preview) and finished', async () => {
    const states = [
      [],
      record({ task_status: null, start_mills: null, finish_mills: null, progress: null, result: null }),
      record({
        id: -1,
        task_status: 'running',
        progress: 13,
        preview: 'iVBORw0KGgo=',
        finish_mills: -1,
        result: [],
      }),
      record({
        id: -1,
        task_status: 'running',
        progress: 13,
        preview: 'iVBORw0KGgo=',
        finish_mills: -1,
        result: [],
      }),
      record({ id: -1, task_status: 'running', progress: 60, preview: null, finish_mills: -1, result: [] }),
      record({ result: RESULT }),
    ];
    let polls = 0;
    server = await startFakeServer((req, res) => {
      if (req.method === 'POST') return sendJson(res, 200, STUB);
      sendJson(res, 200, states[Math.min(polls++, states.length - 1)]);
    });
    const client = createFooocusClient({ baseUrl: 'http://192.0.2.1:1' });
    const seen: ProgressEvent[] = [];
    const local = createFooocusClient({ baseUrl: server.url });
    const result = await local.run({}, { intervalMs: 1, onProgress: (p) => seen.push(p), expectedImages: 2 });

    expect(seen).toEqual([
      { progress: 0, message: 'Submitted, waiting for the server ...' },
      { progress: 0, message: 'Waiting in the queue ...' },
      { progress: 13, message: 'Generating ... 13%', preview: 'data:image/png;base64,iVBORw0KGgo=' },
      { progress: 60, message: 'Generating ... 60%', preview: undefined },
    ]);
    expect(result.task?.task_status).toBe('finished');
    expect(result.warnings).toEqual([]);
    expect(result.images).toEqual([
      { url: `${server.url}/outputs/2024-07-26/a.png`, index: 0 },
      { url: `${server.url}/outputs/2024-07-26/b.png`, index: 1 },
    ]);
    expect(server.seen.filter((r) => r.url === `/tasks/${TASK_ID}`)).toHaveLength(states.length);
    expect(client.imageUrl(RESULT[0]!)).toBe('http://192.0.2.1:1/outputs/2024-07-26/a.png');
  });

  it('streams: progress events in order, result URLs re-based, task found in history', async () => {
    server = await startFakeServer((req, res) => {
      if (req.method === 'POST') {
        expect(JSON.parse(req.body)).toMatchObject({ stream_output: true, async_process: false });
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        res.write(': ping\r\n\r\n');
        res.write(sseFrame({ progress: 1, preview: null, message: 'Loading models ...', images: [] }));
        const second = sseFrame({
          progress: 40,
          preview: 'data:image/png;base64,AAAA',
          message: 'Sampling step 12/30, image 1/2 ...',
          images: [],
        });
        res.write(second.slice(0, 9));
        res.write(second.slice(9));
        res.end(sseFrame({ progress: 100, preview: null, message: 'Finished', images: RESULT }));
        return;
      }
      expect(req.url).toBe('/tasks?query=history&page=0&page_size=20');
      sendJson(res, 200, {
        history: [record({ task_id: 'other', result: [] }), record({ result: RESULT })],
        current: [],
        pending: [],
      });
    });
    const seen: ProgressEvent[] = [];
    const result = await createFooocusClient({ baseUrl: server.url }).run(
      {},
      { mode: 'stream', onProgress: (p) => seen.push(p) },
    );
    expect(seen.map((p) => p.message)).toEqual(['Loading models ...', 'Sampling step 12/30, image 1/2 ...']);
    expect(seen[1]!.preview).toBe('data:image/png;base64,AAAA');
    expect(result.images.map((i) => i.url)).toEqual(
      RESULT.map((u) => u.replace('http://127.0.0.1:7866', server!.url)),
    );
    expect(result.task?.task_id).toBe(TASK_ID);
  });

  it('stop during a run: control?action=stop is sent and the run ends as stopped, with the partial images', async () => {
    let stopped = false;
    server = await startFakeServer((req, res) => {
      if (req.url === '/v1/engine/control?action=stop') {
        stopped = true;
        return sendJson(res, 200, { message: 'task stoped' });
      }
      if (req.method === 'POST') return sendJson(res, 200, STUB);
      if (stopped) return sendJson(res, 200, record({ task_status: 'stop', result: RESULT.slice(0, 1) }));
      sendJson(
        res,
        200,
        record({ id: -1, task_status: 'running', progress: 30, finish_mills: -1, result: [] }),
      );
    });
    const client = createFooocusClient({ baseUrl: server.url });
    const e = await client.run({}, { intervalMs: 1, onProgress: () => void client.stop() }).then(
      () => undefined,
      (err: unknown) => err as FooocusApiError,
    );
    expect(e).toBeInstanceOf(FooocusApiError);
    expect(e!.kind).toBe('stopped');
    expect(e!.message).toMatch(/stopped on the server/);
    expect(e!.images).toEqual([{ url: `${server.url}/outputs/2024-07-26/a.png`, index: 0 }]);
  });

  it('skip, tools and lists: right routes, validated replies', async () => {
    server = await startFakeServer((req, res) => {
      if (req.url === '/v1/engine/control?action=skip')
        return sendJson(res, 200, { message: 'No task running' });
      if (req.url === '/v1/engines/all-models')
        return sendJson(res, 200, { model_filenames: ['a.safetensors'], lora_filenames: [] });
      if (req.url === '/v1/engines/styles') return sendJson(res, 200, ['Fooocus V2', 'Random Style']);
      if (req.url === '/v1/tools/describe-image') return sendJson(res, 200, { describe: 'a cat, sitting' });
      if (req.url === '/v1/tools/generate_mask') return sendJson(res, 200, 'iVBORw0KGgo=');
      sendJson(res, 404, { detail: 'Not Found' });
    });
    const client = createFooocusClient({ baseUrl: server.url });
    expect(await client.skip()).toBe('No task running');
    expect(await client.listModels()).toEqual({ model_filenames: ['a.safetensors'], lora_filenames: [] });
    expect(await client.listStyles()).toEqual(['Fooocus V2', 'Random Style']);
    expect(await client.describeImage('data:image/png;base64,AAAA', 'Anime')).toBe('a cat, sitting');
    expect(await client.generateMask({ image: 'data:image/png;base64,AAAA', mask_model: 'u2net' })).toBe(
      'data:image/png;base64,iVBORw0KGgo=',
    );
    const describe = server.seen.find((r) => r.url === '/v1/tools/describe-image')!;
    expect(JSON.parse(describe.body)).toEqual({ image: 'data:image/png;base64,AAAA', image_type: 'Anime' });
  });

  it('downloads a result through the configured origin, without the API key requirement mattering', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    server = await startFakeServer((req, res) => {
      if (req.url !== '/outputs/2024-07-26/a.png') return sendJson(res, 404, {});
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(png);
    });
    const bytes = await createFooocusClient({ baseUrl: server.url }).download(RESULT[0]!);
    expect(Buffer.from(bytes)).toEqual(png);
    expect(server.seen[0]!.headers['accept']).toBe('*/*');
  });
});
