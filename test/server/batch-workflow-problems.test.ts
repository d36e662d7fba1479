/**
 * What the editor reads about a batch besides its status, on a real app server with the simulated
 * engine: the workflow the batch was made from (kept with its gallery entry, "Open workflow"), served
 * read-only behind the same guards as the other batch routes and checked before it goes out; and why
 * an item failed as a problem code with its details (which input, which file), while the CLI's text
 * (`--input image: <path>: …`) stays in `error` and the manifest.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../../server/app-server.ts';
import type { BatchStatus } from '../../server/batch-app/batch-registry.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { waitFor, writeVaryWorkflow } from '../cli/batch/helpers.ts';
import { batchRouteFixture } from './helpers.ts';

let app: AppServer;
let sim: SimEngine;
let fixture: Awaited<ReturnType<typeof batchRouteFixture>>;
let dir: string;
let batchDir: string;

beforeAll(async () => {
  fixture = await batchRouteFixture('ff-batch-wf-');
  ({ dir, batchDir } = fixture);
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
  app = await startAppServer({ port: 0, apiUrl: sim.url, distDir: dir, batchDir });
});
afterAll(async () => {
  await app.close();
  await sim.close();
  await fixture.cleanup();
});

const url = (path: string) => fixture.routes(app.url).url(path);
const post = (path: string, body?: unknown) => fixture.routes(app.url).post(path, body);
const status = async (id: string) => (await (await fetch(url(`/${id}`))).json()) as BatchStatus;
const png = () =>
  sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 200, g: 120, b: 30 } } })
    .png()
    .toBuffer();
const upload = (id: string, name: string, body: Uint8Array) =>
  fetch(url(`/${id}/inputs/${encodeURIComponent(name)}`), { method: 'PUT', body: Buffer.from(body) });

async function newBatch(): Promise<{ id: string; text: string }> {
  const text = await readFile(await writeVaryWorkflow(dir), 'utf8');
  const res = await post('', { workflow: text, input: 'image' });
  expect(res.status).toBe(201);
  return { id: ((await res.json()) as { id: string }).id, text };
}

describe("a batch's workflow", () => {
  it('is served as it was sent, read-only, to the editor only, and checked before it goes out', async () => {
    const { id, text } = await newBatch();
    const res = await fetch(url(`/${id}/workflow`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual(JSON.parse(text));

    expect((await post(`/${id}/workflow`, {})).status).toBe(405);
    expect((await fetch(url(`/${id}/workflow`), { method: 'PUT', body: '{}' })).status).toBe(405);
    expect((await fetch(url(`/${id}/workflow/x`))).status).toBe(404);
    expect((await fetch(url('/0123456789abcdef/workflow'))).status).toBe(404);
    expect((await fetch(url('/not-an-id/workflow'))).status).toBe(404);
    // Another web page may not read it (the same guard as /api and the other batch routes).
    expect((await fetch(url(`/${id}/workflow`), { headers: { origin: 'http://evil.example' } })).status).toBe(
      403,
    );

    // Damaged on disk: refused with the reason, never handed out as it is.
    await writeFile(join(batchDir, id, 'workflow.json'), '{"nodes": "<script>"}');
    const bad = await fetch(url(`/${id}/workflow`));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/workflow\.json is no longer valid/);
  });
});

describe('why an item failed', () => {
  it('an image over the pixel budget fails with its input, file name and why; the CLI text stays', async () => {
    const { id } = await newBatch();
    // A real PNG whose header claims 20000×20000: accepted as a PNG, refused before it is decoded.
    const huge = Buffer.from(await png());
    huge.writeUInt32BE(20_000, 16);
    huge.writeUInt32BE(20_000, 20);
    expect((await upload(id, 'huge.png', huge)).status).toBe(201);
    expect((await upload(id, 'fine.png', await png())).status).toBe(201);
    expect((await post(`/${id}/start`)).status).toBe(200);
    const done = await waitFor(
      () => status(id),
      (s) => s.state === 'finished',
      'the batch finished',
      60_000,
    );
    const byLabel = new Map(done.items.map((i) => [i.label, i]));
    expect(byLabel.get('fine.png')?.state).toBe('done');
    expect(byLabel.get('fine.png')?.problem).toBeUndefined();
    const failed = byLabel.get('huge.png')!;
    expect(failed.state).toBe('failed');
    expect(failed.problem).toMatchObject({ code: 'input-too-large', input: 'image', file: 'huge.png' });
    expect(failed.problem?.texts?.[0]?.en).toMatch(/20000×20000.*Scale it down/);
    expect(failed.problem?.texts?.[0]?.zh).toMatch(/20000×20000.*缩小/);
    // The problem names the file, never where it lies on the server's disk.
    expect(JSON.stringify(failed.problem)).not.toContain(batchDir);
    // The CLI's words are kept as they were (index.html, results.csv, `fooocus-flow batch`).
    expect(failed.error).toMatch(
      /^cannot prepare the item: --input image: .*huge\.png: This image says it is/,
    );
    const manifest = JSON.parse(await readFile(join(batchDir, id, 'results', 'manifest.json'), 'utf8')) as {
      items: { label: string; problem?: { code: string } }[];
    };
    expect(manifest.items.find((i) => i.label === 'huge.png')?.problem?.code).toBe('input-too-large');
  }, 90_000);
});
