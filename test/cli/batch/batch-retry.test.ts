/**
 * `fooocus-flow batch … --retry-failed` as a real process on a simulated engine: a batch of 4 where
 * one photo is broken ends with 3 done and 1 failed (its reason names the file). Running the same
 * command again leaves the failed item failed; once the photo is fixed, `--retry-failed` (without
 * the --input flags: the items come from the manifest) runs only that item, keeping the 3 done
 * ones — their files untouched and nothing sent again (the engine's own history says so).
 * With `--queue` on a real redis-server and a `worker`: an item whose task came back empty fails for
 * good in BullMQ (`--attempts 1`); `--retry-failed` puts it on the queue again and the worker runs it.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createFooocusClient } from '../../../api/client.ts';
import { startSimEngine, type SimEngine } from '../../../server/sim/index.ts';
import {
  readManifestFile,
  removeTempDirs,
  spawnCli,
  startRedis,
  tempDir,
  waitFor,
  writePhotos,
  writeVaryWorkflow,
  type Proc,
} from './helpers.ts';

const TUNING = JSON.stringify({ intervalMs: 20, queueCheckMs: 50, searchGraceMs: 100, readBackoffMs: 20 });
const env = { FOOOCUS_FLOW_BATCH_TUNING: TUNING };

let sim: SimEngine | undefined;
let procs: Proc[] = [];
let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
afterEach(async () => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  procs = [];
  await sim?.close();
  sim = undefined;
  await redis?.stop();
  redis = undefined;
  await removeTempDirs();
});

async function finishedTasks(engine: SimEngine): Promise<number> {
  const list = await createFooocusClient({ baseUrl: engine.url }).listTasks({
    query: 'history',
    pageSize: 100,
  });
  return list.history.filter((r) => r.task_status === 'finished').length;
}

describe('fooocus-flow batch --retry-failed', () => {
  it('reruns only the failed items of the output folder, keeping the done ones', async () => {
    const dir = await tempDir();
    const workflow = await writeVaryWorkflow(dir);
    const photos = await writePhotos(dir, 4);
    const broken = join(photos, 'p01.png');
    await writeFile(broken, 'not a picture');
    const out = join(dir, 'out');
    sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
    const args = ['batch', workflow, '--out', out, '--input', `image=${photos}`, '--servers', sim.url];

    const first = spawnCli(args, env);
    expect(await first.exited, first.out.text).toBe(1);
    const m1 = await readManifestFile(out);
    expect(m1.items.map((i) => i.state)).toEqual(['done', 'failed', 'done', 'done']);
    expect(m1.items[1]!.error).toContain('p01.png');
    expect(await finishedTasks(sim)).toBe(3);
    const doneFiles = m1.items.filter((i) => i.state === 'done').map((i) => join(out, i.files![0]!));
    const mtimes = await Promise.all(doneFiles.map(async (f) => (await stat(f)).mtimeMs));

    // The same command again: a finished batch (failures included) is left as it is.
    const again = spawnCli(args, env);
    expect(await again.exited, again.out.text).toBe(1);
    expect((await readManifestFile(out)).items[1]!.state).toBe('failed');

    // The photo fixed; --retry-failed without the --input flags.
    await sharp({ create: { width: 96, height: 64, channels: 3, background: '#336699' } })
      .png()
      .toFile(broken);
    const retry = spawnCli(['batch', workflow, '--out', out, '--servers', sim.url, '--retry-failed'], env);
    expect(await retry.exited, retry.out.text).toBe(0);
    expect(retry.out.text).toContain('Retrying 1 failed item(s); 3 done item(s) are kept.');

    const m2 = await readManifestFile(out);
    expect(m2.items.map((i) => i.state)).toEqual(['done', 'done', 'done', 'done']);
    // Only the failed item was sent: 4 finished tasks in all, one per item.
    expect(await finishedTasks(sim)).toBe(4);
    const raw = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      items: { notes?: string[]; error?: string }[];
    };
    expect(raw.items[1]!.error).toBeUndefined();
    expect(raw.items[1]!.notes?.at(-1)).toMatch(/^failed before: .*p01\.png/);
    // The done items' files were not written again.
    expect(await Promise.all(doneFiles.map(async (f) => (await stat(f)).mtimeMs))).toEqual(mtimes);
    await stat(join(out, m2.items[1]!.files![0]!));
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect((html.match(/class="item done"/g) ?? []).length).toBe(4);
  }, 120_000);

  it('says so when the folder holds no batch to retry', async () => {
    const dir = await tempDir();
    const workflow = await writeVaryWorkflow(dir);
    const run = spawnCli(['batch', workflow, '--out', join(dir, 'empty'), '--retry-failed']);
    expect(await run.exited).toBe(2);
    expect(run.out.text).toMatch(/--retry-failed: .*empty holds no batch \(no manifest\.json\)/);
  }, 60_000);
});

describe('fooocus-flow batch --retry-failed with --queue on Redis', () => {
  it('puts an item that failed for good in BullMQ back on the queue; the worker runs it, the rest stay done', async () => {
    const dir = await tempDir();
    const workflow = await writeVaryWorkflow(dir);
    const photos = await writePhotos(dir, 3);
    const out = join(dir, 'out');
    sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
    redis = await startRedis();
    const redisEnv = { FOOOCUS_FLOW_BATCH_TUNING: JSON.stringify({ ...JSON.parse(TUNING), lockMs: 1500 }) };
    // The first task finishes without an image: with --attempts 1 its item fails for good.
    const empty = sim.inject({ kind: 'finish-empty-next' });
    const worker = spawnCli(['worker', '--queue', redis.url, '--api', sim.url, '--name', 'w1'], redisEnv);
    procs.push(worker);
    await waitFor(
      async () => worker.out.text,
      (t) => t.includes('taking batch items'),
      'the worker ready',
    );
    const args = ['batch', workflow, '--out', out, '--input', `image=${photos}`, '--queue', redis.url];
    const first = spawnCli([...args, '--attempts', '1'], redisEnv);
    procs.push(first);
    expect(await first.exited, first.out.text).toBe(1);
    await empty.fired;
    const m1 = await readManifestFile(out);
    expect(m1.items.filter((i) => i.state === 'done')).toHaveLength(2);
    const failed = m1.items.find((i) => i.state === 'failed')!;
    expect(failed.error).toMatch(/empty/i);

    const retry = spawnCli([...args, '--retry-failed'], redisEnv);
    procs.push(retry);
    expect(await retry.exited, retry.out.text).toBe(0);
    expect(retry.out.text).toContain('Retrying 1 failed item(s); 2 done item(s) are kept.');
    const m2 = await readManifestFile(out);
    expect(m2.items.map((i) => i.state)).toEqual(['done', 'done', 'done']);
    expect(m2.items.find((i) => i.id === failed.id)!.files).toHaveLength(1);
    // Only the failed item ran again: 3 tasks with images, plus the empty one.
    const list = await createFooocusClient({ baseUrl: sim.url }).listTasks({
      query: 'history',
      pageSize: 50,
    });
    const rows = list.history.filter((r) => r.task_status === 'finished');
    expect(rows.filter((r) => (r.result ?? []).length > 0)).toHaveLength(3);
    expect(rows).toHaveLength(4);
  }, 180_000);
});
