/**
 * "Run as batch…" on the app server (server/batch-app/): a real app server and a real simulated
 * engine on 127.0.0.1. A batch is created from a workflow file and its exposed image input, images
 * are uploaded, it runs; Stop while the engine holds a task stops that task on the engine, Resume
 * finishes the rest without redoing a done item; the zip holds every result with the manifest,
 * contact sheet and CSV. Bad input, other web pages and made-up file paths are refused.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFooocusClient } from '../../api/client.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { startAppServer, type AppServer } from '../../server/app-server.ts';
import type { BatchStatus } from '../../server/batch-app/batch-registry.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { waitFor, writeVaryWorkflow } from '../cli/batch/helpers.ts';
import { batchRouteFixture } from './helpers.ts';
import { startFaultProxy } from '../faults/fault-proxy.ts';

let app: AppServer;
let sim: SimEngine;
let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
/** Called for every request the app server sends the engine (through the proxy). */
let onEngineRequest: (path: string) => void = () => undefined;
let fixture: Awaited<ReturnType<typeof batchRouteFixture>>;
let dir: string;
let batchDir: string;

beforeAll(async () => {
  fixture = await batchRouteFixture('ff-batch-routes-');
  ({ dir, batchDir } = fixture);
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
  // The app server reaches the engine through a proxy that lets the test see its stop request.
  proxy = await startFaultProxy(sim.url);
  proxy.setRule((r) => {
    onEngineRequest(r.path);
    return 'pass';
  });
  app = await startAppServer({ port: 0, apiUrl: proxy.url, distDir: dir, batchDir });
});
afterAll(async () => {
  sim.releaseHolds();
  await app.close();
  await proxy.close();
  await sim.close();
  await fixture.cleanup();
});

const url = (path: string) => fixture.routes(app.url).url(path);
const post = (path: string, body?: unknown) => fixture.routes(app.url).post(path, body);
const status = async (id: string) => (await (await fetch(url(`/${id}`))).json()) as BatchStatus;
const png = (i: number) =>
  sharp({ create: { width: 96, height: 64, channels: 3, background: { r: i * 60, g: 120, b: 30 } } })
    .png()
    .toBuffer();
const upload = (id: string, name: string, body: Uint8Array) =>
  fetch(url(`/${id}/inputs/${encodeURIComponent(name)}`), { method: 'PUT', body: Buffer.from(body) });
const varyWorkflow = async () => readFile(await writeVaryWorkflow(dir), 'utf8');

describe('batches on the app server', () => {
  it('refuses a workflow without that exposed image input, a broken body, a non-image, other pages', async () => {
    const b = new GraphBuilder();
    b.wire(b.add('promptSettings', { prompt: 'x' }), b.add('output'));
    const plain = serializeWorkflow(b.build('plain'));
    let res = await post('', { workflow: plain, input: 'image' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/has no exposed image input/);
    res = await post('', { workflow: await varyWorkflow(), input: 'prompt' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toMatch(
      /"prompt" is not an exposed image input of this workflow \(those are: image\)/,
    );
    res = await post('', { workflow: '{"not": "a workflow"}', input: 'image' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/The workflow is not valid/);
    res = await post('', { input: 'image' });
    expect(res.status).toBe(422);

    const { id } = (await (await post('', { workflow: await varyWorkflow(), input: 'image' })).json()) as {
      id: string;
    };
    res = await upload(id, 'notes.png', new TextEncoder().encode('not an image'));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/notes\.png: not a PNG, JPEG or WebP/);
    res = await post(`/${id}/start`);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/Add at least one image/);
    // Another web page may not start batches (the same guard as /api).
    res = await fetch(url(''), {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
      body: JSON.stringify({ workflow: await varyWorkflow(), input: 'image' }),
    });
    expect(res.status).toBe(403);
    expect((await fetch(url('/0123456789abcdef'))).status).toBe(404);
  });

  it('runs, stops a held task on the engine, resumes without redoing an item, and zips every result', async () => {
    const created = await post('', { workflow: await varyWorkflow(), input: 'image' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const names: string[] = [];
    for (const [i, name] of ['a.png', 'b.png', 'c.png', 'a.png'].entries()) {
      const res = await upload(id, name, await png(i));
      expect(res.status).toBe(201);
      names.push(((await res.json()) as { name: string }).name);
    }
    expect(names).toEqual(['a.png', 'b.png', 'c.png', 'a-2.png']);
    expect((await status(id)).state).toBe('new');

    // The engine holds the first task at step 2: Stop while it is held.
    const held = sim.hold({ step: 2 });
    expect((await post(`/${id}/start`)).status).toBe(200);
    const point = await held.reached;
    const running = await waitFor(
      () => status(id),
      (s) => s.items.some((i) => i.state === 'running' && i.progress !== undefined),
      'the held item running',
      30_000,
    );
    expect(running.state).toBe('running');
    // The hold is released once the stop request has passed, so the engine sees the stop at its
    // next step: no timing involved.
    let stopSent = false;
    onEngineRequest = (path) => {
      if (stopSent) held.release();
      if (path.startsWith('/v1/engine/control')) stopSent = true;
    };
    const stopped = (await (await post(`/${id}/stop`)).json()) as BatchStatus;
    onEngineRequest = () => undefined;
    held.release();
    expect(stopSent).toBe(true);
    expect(stopped.state).toBe('stopped');
    // The item queued on the engine behind the held one may run to its end when the stop lands as the
    // engine switches tasks (FooocusAPI clears "current" under the next task; runtime doc §1): then it
    // is collected before Stop answers. Nothing is left half-way.
    const states = stopped.items.map((i) => i.state);
    expect(states.every((st) => st === 'queued' || st === 'done')).toBe(true);
    expect(states.filter((st) => st === 'done').length).toBeLessThanOrEqual(1);
    const client = createFooocusClient({ baseUrl: sim.url });
    expect((await client.getTask(point.taskId))?.task_status).toBe('stop');

    // Resume: the rest finish; the done item is not run again.
    expect((await post(`/${id}/start`)).status).toBe(200);
    const finished = await waitFor(
      () => status(id),
      (s) => s.state === 'finished',
      'the batch finished',
    );
    expect(finished.items.map((i) => i.state)).toEqual(['done', 'done', 'done', 'done']);
    // Start again once finished: nothing is sent again.
    expect(((await (await post(`/${id}/start`)).json()) as BatchStatus).state).toBe('finished');
    const history = await client.listTasks({ query: 'history', pageSize: 200 });
    const seeds = history.history
      .filter((r) => r.task_status === 'finished')
      .map((r) => Number(r.req_params?.image_seed));
    expect(seeds).toHaveLength(4);
    expect(new Set(seeds).size).toBe(4);

    // A listed result and thumbnail are served; a path the manifest does not list is not.
    const item = finished.items[0]!;
    const file = await fetch(url(`/${id}/files/${item.files![0]}`));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    const thumb = await fetch(url(`/${id}/files/${item.thumbs!.results[0]}`));
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    expect((await fetch(url(`/${id}/files/manifest.json`))).status).toBe(404);
    expect((await fetch(url(`/${id}/files/..%2F..%2Fbatch.json`))).status).toBe(404);
    expect((await fetch(url(`/${id}/inputs/a-2.png`))).status).toBe(200);

    // The zip: every result (the same bytes as on disk), the manifest, contact sheet and CSV.
    const zipRes = await fetch(url(`/${id}/zip`));
    expect(zipRes.status).toBe(200);
    expect(zipRes.headers.get('content-disposition')).toBe(`attachment; filename="batch-${id}.zip"`);
    const entries = unzipSync(new Uint8Array(await zipRes.arrayBuffer()));
    const root = `batch-${id}/`;
    for (const f of ['manifest.json', 'index.html', 'results.csv']) expect(entries[root + f]).toBeDefined();
    for (const i of finished.items) {
      const rel = i.files![0]!;
      const onDisk = await readFile(join(batchDir, id, 'results', rel));
      expect(Buffer.from(entries[root + rel]!).equals(onDisk)).toBe(true);
    }
    expect(new TextDecoder().decode(entries[`${root}results.csv`])).toMatch(/a-2\.png/);

    // Images cannot be added once it ran; the list shows it.
    expect((await upload(id, 'late.png', await png(9))).status).toBe(422);
    const list = (await (await fetch(url(''))).json()) as { batches: { id: string }[] };
    expect(list.batches.map((b) => b.id)).toContain(id);
  }, 120_000);
});
