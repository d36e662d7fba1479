/**
 * Every failure the client must name plainly, each against a real HTTP server on 127.0.0.1.
 */
import { createFooocusClient } from '../../api/client.ts';
import { FooocusApiError } from '../../api/errors.ts';
import {
  closedPort,
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

async function failure(p: Promise<unknown>): Promise<FooocusApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FooocusApiError);
  return e as FooocusApiError;
}

describe('client faults', () => {
  it('connection refused → network; in Node without the browser-only CORS hint', async () => {
    const port = await closedPort();
    const client = createFooocusClient({ baseUrl: `http://127.0.0.1:${port}` });
    const e = await failure(client.run({ prompt: 'x' }));
    expect(e.kind).toBe('network');
    expect(e.message).toContain(`http://127.0.0.1:${port}`);
    expect(e.message).toMatch(/the connection failed \(refused, reset or no such host\)/);
    expect(e.message).not.toMatch(/CORS|browser/);
    expect(e.messageZh).toBeTruthy();
    expect(e.messageZh).not.toMatch(/CORS|浏览器/);
  });

  it('connection refused in a browser → network, with the CORS hint (a 500 looks the same there)', async () => {
    vi.stubGlobal('window', {});
    try {
      const port = await closedPort();
      const e = await failure(createFooocusClient({ baseUrl: `http://127.0.0.1:${port}` }).run({}));
      expect(e.kind).toBe('network');
      expect(e.message).toContain('a 500 without CORS headers looks like this in a browser');
      expect(e.messageZh).toMatch(/CORS/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('403 → forbidden, naming the API key', async () => {
    server = await startFakeServer((_req, res) => sendJson(res, 403, { detail: 'Forbidden' }));
    const e = await failure(createFooocusClient({ baseUrl: server.url, apiKey: 'wrong' }).submit({}));
    expect(e.kind).toBe('forbidden');
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/API key/);
  });

  it('500 → server, with the body text and the likely cause', async () => {
    server = await startFakeServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
    });
    const e = await failure(createFooocusClient({ baseUrl: server.url }).run({}, { mode: 'poll' }));
    expect(e.kind).toBe('server');
    expect(e.status).toBe(500);
    expect(e.message).toContain('Internal Server Error');
    expect(e.message).toMatch(/input image/);
  });

  it('422 → validation with the pydantic details and a readable summary', async () => {
    const detail = [
      {
        type: 'less_than_equal',
        loc: ['body', 'image_number'],
        msg: 'Input should be less than or equal to 32',
        input: 33,
        ctx: { le: 32 },
        url: 'https://errors.pydantic.dev/x',
      },
    ];
    server = await startFakeServer((_req, res) => sendJson(res, 422, { detail }));
    const e = await failure(createFooocusClient({ baseUrl: server.url }).submit({ image_number: 33 }));
    expect(e.kind).toBe('validation');
    expect(e.details).toEqual(detail);
    expect(e.message).toContain('image_number: Input should be less than or equal to 32');
  });

  it('a task that finishes with no images → empty-result listing the likely causes', async () => {
    server = await startFakeServer((req, res) => {
      if (req.method === 'POST') return sendJson(res, 200, STUB);
      sendJson(res, 200, record({ result: [] }));
    });
    const e = await failure(createFooocusClient({ baseUrl: server.url }).run({}, { intervalMs: 1 }));
    expect(e.kind).toBe('empty-result');
    for (const cause of ['style', 'model', 'mask', 'size']) expect(e.message).toContain(cause);
    expect((e.task as { task_id: string }).task_id).toBe(TASK_ID);
  });

  it('a stream that finishes with no images → empty-result', async () => {
    server = await startFakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.end(sseFrame({ progress: 100, preview: null, message: 'Finished', images: [] }));
    });
    const e = await failure(
      createFooocusClient({ baseUrl: server.url }).run({}, { mode: 'stream', findTask: false }),
    );
    expect(e.kind).toBe('empty-result');
  });

  it('a stream cut mid-way → stream-cut, counting the events seen', async () => {
    server = await startFakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(sseFrame({ progress: 10, preview: null, message: 'Loading models ...', images: [] }));
      res.write(
        sseFrame({ progress: 20, preview: null, message: 'Sampling step 1/30, image 1/1 ...', images: [] }),
      );
      // Half an event, then the connection drops without the chunked terminator.
      res.write('data: {"progress": 3');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const seen: number[] = [];
    const e = await failure(
      createFooocusClient({ baseUrl: server.url }).run(
        {},
        { mode: 'stream', onProgress: (p) => seen.push(p.progress) },
      ),
    );
    expect(e.kind).toBe('stream-cut');
    expect(e.message).toContain('after 2 events');
    expect(seen).toEqual([10, 20]);
  });

  it('a stream that ends with no events → stream-cut, not blamed on an input image (runtime doc §2)', async () => {
    server = await startFakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.end();
    });
    const e = await failure(createFooocusClient({ baseUrl: server.url }).stream({}));
    expect(e.kind).toBe('stream-cut');
    expect(e.message).toMatch(/after 0 events\): the connection dropped or the server ended the stream/);
    expect(e.message).toMatch(/task may still be running on the server/);
    expect(e.message).not.toMatch(/decode|input image/);
  });

  it('a slow server → timeout (per request), without waiting for the reply', async () => {
    server = await startFakeServer((_req, res) => {
      setTimeout(() => sendJson(res, 200, STUB), 5000);
    });
    const client = createFooocusClient({ baseUrl: server.url, requestTimeoutMs: 50 });
    const e = await failure(client.submit({}));
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('50 ms');
  });

  it('a run that never finishes → timeout (whole run)', async () => {
    server = await startFakeServer((req, res) => {
      if (req.method === 'POST') return sendJson(res, 200, STUB);
      sendJson(
        res,
        200,
        record({ id: -1, task_status: 'running', progress: 10, finish_mills: -1, result: [] }),
      );
    });
    const client = createFooocusClient({ baseUrl: server.url });
    const e = await failure(client.run({}, { intervalMs: 5, timeoutMs: 100 }));
    expect(e.kind).toBe('timeout');
  });

  it('a stream that stalls → timeout (whole run)', async () => {
    server = await startFakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(sseFrame({ progress: 10, preview: null, message: 'Loading models ...', images: [] }));
    });
    const e = await failure(
      createFooocusClient({ baseUrl: server.url }).run({}, { mode: 'stream', timeoutMs: 100 }),
    );
    expect(e.kind).toBe('timeout');
  });

  it('a caller abort → stopped (cancelled)', async () => {
    server = await startFakeServer((req, res) => {
      if (req.method === 'POST') return sendJson(res, 200, STUB);
      sendJson(res, 200, record({ task_status: null, progress: null, result: null }));
    });
    const controller = new AbortController();
    const run = createFooocusClient({ baseUrl: server.url }).run(
      {},
      { intervalMs: 5, signal: controller.signal, onProgress: () => controller.abort() },
    );
    const e = await failure(run);
    expect(e.kind).toBe('stopped');
    expect(e.message).toMatch(/cancelled/);
  });

  it('a reply of the wrong shape → bad-reply naming the field', async () => {
    server = await startFakeServer((req, res) => {
      if (req.method === 'POST') return sendJson(res, 200, STUB);
      sendJson(res, 200, record({ result: 'not-a-list' }));
    });
    const e = await failure(createFooocusClient({ baseUrl: server.url }).run({}, { intervalMs: 1 }));
    expect(e.kind).toBe('bad-reply');
    expect(e.message).toContain('field "result"');
    expect(e.message).toContain('"not-a-list"');
  });

  it('bad model list and non-JSON replies → bad-reply', async () => {
    server = await startFakeServer((req, res) => {
      if (req.url.startsWith('/v1/engines/all-models')) return sendJson(res, 200, { model_filenames: [1] });
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy login</html>');
    });
    const client = createFooocusClient({ baseUrl: server.url });
    expect((await failure(client.listModels())).message).toContain('field "model_filenames.0"');
    expect((await failure(client.listStyles())).message).toContain('not JSON');
  });

  it('an unknown task id (GET /tasks/{id} → []) → unknown-task after a short grace', async () => {
    server = await startFakeServer((_req, res) => sendJson(res, 200, []));
    const client = createFooocusClient({ baseUrl: server.url });
    expect(await client.getTask(TASK_ID)).toBeNull();
    const e = await failure(client.follow(TASK_ID, { intervalMs: 1, unknownGrace: 2 }));
    expect(e.kind).toBe('unknown-task');
    expect(server.seen.filter((r) => r.url === `/tasks/${TASK_ID}`)).toHaveLength(4);
  });

  it('fewer images than the plan predicted → a short-result warning, not a failure', async () => {
    server = await startFakeServer((req, res) => {
      if (req.method === 'POST') return sendJson(res, 200, STUB);
      sendJson(res, 200, record({}));
    });
    const client = createFooocusClient({ baseUrl: server.url });
    const result = await client.run({}, { intervalMs: 1, expectedImages: 2 });
    expect(result.images).toHaveLength(1);
    expect(result.warnings.map((w) => w.kind)).toEqual(['short-result']);
    expect(result.warnings[0]!.message).toContain('1 image but the plan predicted 2');
    const relaxed = await client.run({}, { intervalMs: 1, expectedImages: { count: 4, min: 1 } });
    expect(relaxed.warnings).toEqual([]);
  });
});
