/**
 * A batch that comes back to an engine which restarted while the batch was away (its process gone:
 * here it left with its tasks still on the engine, as a killed process does): the item whose task
 * the restart dropped is judged lost at once — the engine's start-up stamp kept in the manifest's
 * journal entry proves the restart, no waiting limit is involved (they stay at their real values) —
 * and sent again; it ends done, once. In-process against a real simulated engine; every wait is
 * for a state.
 */
import { join } from 'node:path';
import { createFooocusClient } from '../../../api/client.ts';
import { EXIT_CANCELLED, runBatch } from '../../../cli/batch/run-batch.ts';
import { batchTuning } from '../../../server/batch/tuning.ts';
import { terminalSafeIO } from '../../../cli/terminal-safe.ts';
import { startSimEngine, type SimEngine } from '../../../server/sim/index.ts';
import { captureIo } from '../run-helpers.ts';
import {
  readManifestFile,
  removeTempDirs,
  tempDir,
  waitFor,
  writePhotos,
  writeVaryWorkflow,
} from './helpers.ts';

// Short polls and backoffs for speed; the lost-task limits keep their defaults (60 s / 30 min).
const tuning = batchTuning({
  FOOOCUS_FLOW_BATCH_TUNING: JSON.stringify({
    intervalMs: 20,
    queueCheckMs: 50,
    serverBackoffMs: 20,
    readBackoffMs: 20,
    searchGraceMs: 50,
  }),
});

let sim: SimEngine | undefined;
afterEach(async () => {
  sim?.releaseHolds();
  await sim?.close();
  sim = undefined;
  await removeTempDirs();
});

async function batch(workflow: string, out: string, photos: string, server: string, signal: AbortSignal) {
  const io = captureIo();
  const code = await runBatch({
    workflow,
    out,
    sources: { inputs: { image: photos }, table: undefined, set: {} },
    servers: [server],
    apiKey: undefined,
    queue: undefined,
    assets: undefined,
    maxItemAttempts: 3,
    io: terminalSafeIO(io),
    signal,
    // The same signal: leave the tasks on the engine, as a killed batch process does.
    detach: signal,
    tuning,
    env: {},
  });
  return { code, stderr: io.stderr.text };
}

describe('batch resumed after its engine restarted', () => {
  it('the item whose task the restart dropped is judged lost at once and sent again: done once', async () => {
    const dir = await tempDir();
    const workflow = await writeVaryWorkflow(dir);
    const photos = await writePhotos(dir, 2);
    const out = join(dir, 'out');
    sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
    const engine = createFooocusClient({ baseUrl: sim.url });

    const held = sim.hold({ step: 1 });
    const away = new AbortController();
    const first = batch(workflow, out, photos, sim.url, away.signal);
    const point = await held.reached;
    const midway = await waitFor(
      () => readManifestFile(out),
      (m) => m.items.some((i) => i.taskId === point.taskId),
      'the held task recorded in the manifest',
    );
    const lostIndex = midway.items.findIndex((i) => i.taskId === point.taskId);
    away.abort();
    expect((await first).code).toBe(EXIT_CANCELLED);
    // The manifest keeps the task in the item's journal entry, with the engine's start-up stamp.
    const left = (await readManifestFile(out)).items[lostIndex] as {
      entry?: { taskId?: string; bootStamp?: string };
    };
    expect(left.entry?.taskId).toBe(point.taskId);
    expect(left.entry?.bootStamp).toEqual(expect.any(String));

    // The engine crashes and comes back while no batch is running: the held task is gone.
    await sim.kill();
    await sim.restart();
    held.release();

    const again = await batch(workflow, out, photos, sim.url, new AbortController().signal);
    expect(again.code, again.stderr).toBe(0);
    const manifest = await readManifestFile(out);
    expect(manifest.items.map((i) => i.state)).toEqual(['done', 'done']);
    // Sent again under a new task id, which finished; the lost one stays null on the engine.
    const redone = manifest.items[lostIndex]!;
    expect(redone.taskId).not.toBe(point.taskId);
    const history = (await engine.listTasks({ query: 'history', pageSize: 50 })).history;
    expect(history.find((r) => r.task_id === point.taskId)?.task_status).toBeNull();
    expect(history.find((r) => r.task_id === redone.taskId)?.task_status).toBe('finished');
    // One finished task per item: nothing ran twice.
    expect(history.filter((r) => r.task_status === 'finished')).toHaveLength(2);
  });
});
