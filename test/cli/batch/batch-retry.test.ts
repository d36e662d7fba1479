/**
 * `fooocus-flow batch … --retry-failed` as a real process on a simulated engine: a batch of 4 where
 * one photo is broken ends with 3 done and 1 failed (its reason names the file). Running the same
 * command again leaves the failed item failed; once the photo is fixed, `--retry-failed` (without
 * the --input flags: the items come from the manifest) runs only that item, keeping the 3 done
 * ones — their files untouched and nothing sent again (the engine's own history says so).
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
  tempDir,
  writePhotos,
  writeVaryWorkflow,
} from './helpers.ts';

const TUNING = JSON.stringify({ intervalMs: 20, queueCheckMs: 50, searchGraceMs: 100, readBackoffMs: 20 });
const env = { FOOOCUS_FLOW_BATCH_TUNING: TUNING };

let sim: SimEngine | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
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
