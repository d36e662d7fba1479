/**
 * The batch's scheduling rules, in-process against real HTTP servers: a server that refuses every
 * connection is retried with backoff and taken out (the progress says so) while the others do the
 * work; an item that fails on its own account is retried a bounded number of times and then
 * recorded as failed with its reason; an item that cannot be prepared fails at once, the rest go on.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBatch } from '../../../cli/batch/run-batch.ts';
import { batchTuning } from '../../../server/batch/tuning.ts';
import { terminalSafeIO } from '../../../cli/terminal-safe.ts';
import { startSimEngine, type SimEngine } from '../../../server/sim/index.ts';
import { captureIo } from '../run-helpers.ts';
import {
  freePort,
  readManifestFile,
  removeTempDirs,
  tempDir,
  writePhotos,
  writeVaryWorkflow,
} from './helpers.ts';

const tuning = batchTuning({
  FOOOCUS_FLOW_BATCH_TUNING: JSON.stringify({
    intervalMs: 20,
    queueCheckMs: 50,
    serverBackoffMs: 20,
    readBackoffMs: 20,
    searchGraceMs: 50,
  }),
});

let sim: SimEngine;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
});
afterAll(() => sim.close());
afterEach(async () => {
  sim.inject({ kind: 'clear' });
  await removeTempDirs();
});

async function batch(args: {
  dir: string;
  inputs: Record<string, string>;
  servers: string[];
  attempts?: number;
}) {
  const io = captureIo();
  const code = await runBatch({
    workflow: await writeVaryWorkflow(args.dir),
    out: join(args.dir, 'out'),
    sources: { inputs: args.inputs, table: undefined, set: {} },
    servers: args.servers,
    apiKey: undefined,
    queue: undefined,
    assets: undefined,
    maxItemAttempts: args.attempts ?? 3,
    io: terminalSafeIO(io),
    signal: new AbortController().signal,
    detach: new AbortController().signal,
    tuning,
    env: {},
  });
  return { code, stderr: io.stderr.text, manifest: await readManifestFile(join(args.dir, 'out')) };
}

describe('batch scheduling', () => {
  it('a server that refuses every connection is taken out after 3 failures; the other does the work', async () => {
    const dir = await tempDir();
    const photos = await writePhotos(dir, 5);
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r = await batch({ dir, inputs: { image: photos }, servers: [dead, sim.url] });
    expect(r.code).toBe(0);
    expect(r.manifest.items.filter((i) => i.state === 'done')).toHaveLength(5);
    expect(r.manifest.items.every((i) => i.server === sim.url)).toBe(true);
    expect(r.stderr).toMatch(new RegExp(`server ${dead}: failed .*; trying it again in`));
    expect(r.stderr).toMatch(new RegExp(`server ${dead}: taken out after 3 failures in a row`));
    expect(r.stderr).toMatch(/5 done, 0 failed/);
  });

  it('an item that keeps failing is retried --attempts times, then recorded failed with its reason', async () => {
    const dir = await tempDir();
    const photos = await writePhotos(dir, 1);
    sim.inject({ kind: 'finish-empty-next' });
    sim.inject({ kind: 'finish-empty-next' });
    const r = await batch({ dir, inputs: { image: photos }, servers: [sim.url], attempts: 2 });
    expect(r.code).toBe(1);
    const [item] = r.manifest.items;
    expect(item!.state).toBe('failed');
    expect(item!.error).toMatch(/^empty-result: /);
    expect(r.stderr).toMatch(/p00\.png: failed: empty-result/);
  });

  it('an item retried once after an empty result still finishes', async () => {
    const dir = await tempDir();
    const photos = await writePhotos(dir, 1);
    sim.inject({ kind: 'finish-empty-next' });
    const r = await batch({ dir, inputs: { image: photos }, servers: [sim.url], attempts: 2 });
    expect(r.code).toBe(0);
    expect(r.manifest.items[0]!.state).toBe('done');
  });

  it('a file that is not an image fails its item at once with the reason; the others are done', async () => {
    const dir = await tempDir();
    const photos = await writePhotos(dir, 2);
    await writeFile(join(photos, 'p99.png'), 'this is text, not a PNG');
    const r = await batch({ dir, inputs: { image: photos }, servers: [sim.url] });
    expect(r.code).toBe(1);
    const bad = r.manifest.items.find((i) => i.label === 'p99.png')!;
    expect(bad.state).toBe('failed');
    expect(bad.error).toMatch(
      /cannot prepare the item: --input image: .*p99\.png is not a PNG, JPEG or WebP file/,
    );
    expect(r.manifest.items.filter((i) => i.state === 'done')).toHaveLength(2);
  });
});
