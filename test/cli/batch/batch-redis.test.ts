/**
 * `fooocus-flow batch --queue redis://…` with a real redis-server and three `fooocus-flow worker`
 * processes, one per simulated engine, 24 items. A worker is killed (SIGKILL) while its engine holds
 * its task: BullMQ's stalled-job check gives the item to another worker, which follows the task
 * already running on the dead worker's engine instead of sending it again. Then the coordinator is
 * killed while the workers go on; run again, it collects everything they finished meanwhile. The
 * manifest ends with 24 done and every engine's history with exactly one finished task per item.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
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

const TUNING = JSON.stringify({
  intervalMs: 20,
  queueCheckMs: 50,
  // A task not yet shown as current (the engine hides it until its first update, as FooocusAPI
  // does) must not be judged lost on a busy machine: only the killed engine's task is.
  lostAfterOutageMs: 5000,
  serverBackoffMs: 100,
  searchGraceMs: 100,
  readBackoffMs: 20,
  // A dead worker's item is given to another after this: short for the test, and nothing in the
  // test depends on it beyond how long the wait for that state lasts.
  lockMs: 1500,
});

let sims: SimEngine[] = [];
let procs: Proc[] = [];
let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
afterEach(async () => {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  procs = [];
  for (const s of sims) s.releaseHolds();
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  await redis?.stop();
  redis = undefined;
  await removeTempDirs();
});

async function history(engines: SimEngine[]) {
  const rows: { seed: number; status: string | null; engine: number; taskId: string }[] = [];
  for (const [engine, sim] of engines.entries()) {
    const list = await createFooocusClient({ baseUrl: sim.url }).listTasks({
      query: 'history',
      pageSize: 200,
    });
    for (const r of list.history)
      rows.push({
        seed: Number(r.req_params?.image_seed),
        status: r.task_status ?? null,
        engine,
        taskId: r.task_id,
      });
  }
  return rows;
}

describe('fooocus-flow batch --queue on Redis with three workers', () => {
  it('a worker killed mid-item and the coordinator restarted: 24 done, 0 duplicates, 0 lost', async () => {
    redis = await startRedis();
    const dir = await tempDir();
    const workflow = await writeVaryWorkflow(dir);
    const photos = await writePhotos(dir, 24);
    const out = join(dir, 'out');
    sims = await Promise.all([0, 1, 2].map(() => startSimEngine({ port: 0, speed: 0, tickMs: 10 })));
    const [a] = sims as [SimEngine];
    const env = { FOOOCUS_FLOW_BATCH_TUNING: TUNING };
    const names = ['wA', 'wB', 'wC'];

    // Engine A holds the first task it gets; its worker is then killed.
    const onA = a.hold({ step: 1 });
    const workers = sims.map((s, i) =>
      spawnCli(['worker', '--queue', redis!.url, '--api', s.url, '--name', names[i]!], env),
    );
    procs.push(...workers);
    const batchArgs = ['batch', workflow, '--out', out, '--input', `image=${photos}`, '--queue', redis.url];
    const first = spawnCli(batchArgs, env);
    procs.push(first);

    const heldOnA = await onA.reached;
    const item = await waitFor(
      () => readManifestFile(out),
      (m) => m.items.some((i) => i.taskId === heldOnA.taskId && i.worker === 'wA'),
      'the held task recorded with worker wA',
    ).then((m) => m.items.find((i) => i.taskId === heldOnA.taskId)!);
    workers[0]!.child.kill('SIGKILL');
    await workers[0]!.exited;

    // BullMQ's stalled check hands the item to another worker, which follows the task on engine A.
    await waitFor(
      () => readManifestFile(out),
      (m) => {
        const now = m.items.find((i) => i.id === item.id)!;
        return now.worker !== 'wA' && now.taskId === heldOnA.taskId;
      },
      'the item taken over by another worker',
    );
    onA.release();

    // The coordinator is killed while the workers go on; they finish everything without it.
    await waitFor(
      () => readManifestFile(out),
      (m) => m.items.filter((i) => i.state === 'done').length >= 8,
      '8 done',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await waitFor(
      () => history(sims),
      (rows) => rows.filter((r) => r.status === 'finished').length >= 24,
      'the workers finishing all 24 items',
      120_000,
    );

    const second = spawnCli(batchArgs, env);
    procs.push(second);
    expect(await second.exited, second.out.text).toBe(0);

    const manifest = await readManifestFile(out);
    expect(manifest.items.filter((i) => i.state === 'done')).toHaveLength(24);
    for (const i of manifest.items) await access(join(out, i.files![0]!));
    const rows = await history(sims);
    const finished = rows.filter((r) => r.status === 'finished');
    expect(finished).toHaveLength(24);
    const seeds = new Set(finished.map((r) => r.seed));
    expect(seeds.size).toBe(24);
    // The held task was followed by the other worker, never sent again.
    const heldRow = rows.find((r) => r.taskId === heldOnA.taskId)!;
    expect(heldRow.status).toBe('finished');
    expect(rows.filter((r) => r.seed === heldRow.seed)).toHaveLength(1);
    const heldItem = manifest.items.find((i) => i.id === item.id)!;
    expect(heldItem.taskId).toBe(heldOnA.taskId);
    expect(['wB', 'wC']).toContain(heldItem.worker);

    // The surviving workers stop cleanly on SIGTERM.
    for (const w of workers.slice(1)) w.child.kill('SIGTERM');
    expect(await Promise.all(workers.slice(1).map((w) => w.exited))).toEqual([130, 130]);
  }, 300_000);
});
