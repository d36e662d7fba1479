/**
 * Batch throughput: items per minute on 1, 2 and 4 simulated engines (each its own `fooocus-flow
 * sim` process, like separate GPU servers) at a fixed simulated task time, as ratios to one engine,
 * and the coordinator's own cost per item (CPU time of this process, which runs only the
 * coordinator and its in-process workers, and the wall time per item the engines stood idle).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFooocusClient } from '../api/client.ts';
import { runBatch } from '../cli/batch/run-batch.ts';
import { batchTuning } from '../server/batch/tuning.ts';
import { terminalSafeIO } from '../cli/terminal-safe.ts';
import { serializeWorkflow } from '../compiler/workflow-file/index.ts';
import { GraphBuilder } from '../nodes/build.ts';

/**
 * ms per simulated worker update (a Lightning task has about 12: preparation, 4 sampling steps,
 * saving), so a task is about 5 s of "GPU", nearly all waiting: a small 256×256 image without
 * previews keeps the engines' own CPU out of the figure.
 */
const STEP_MS = 400;
const ITEMS_PER_ENGINE = 6;
const ROOT = new URL('../', import.meta.url).pathname;

async function startSim(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'cli/bin.mjs'), 'sim', '--port', '0', '--speed', String(STEP_MS)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`sim exited: ${text}`)));
  });
  return { url, child };
}

async function run(engines: number, dir: string) {
  const sims = await Promise.all(Array.from({ length: engines }, startSim));
  try {
    const items = engines * ITEMS_PER_ENGINE;
    const table = join(dir, `items-${engines}.jsonl`);
    await writeFile(
      table,
      Array.from({ length: items }, (_, i) => JSON.stringify({ prompt: `bench item ${i}` })).join('\n'),
    );
    const b = new GraphBuilder();
    const s = b.add('promptSettings', {
      prompt: 'bench',
      performance_selection: 'Lightning',
      aspect_ratios_selection: '256*256',
      disable_preview: true,
    });
    const out = b.add('output');
    b.wire(s, out);
    const wf = b.build('Bench');
    wf.exposed = [{ nodeId: s, param: 'prompt', name: 'prompt' }];
    const workflow = join(dir, 'bench.json');
    await writeFile(workflow, serializeWorkflow(wf));
    const sink = { text: '', write: (t: string) => ((sink.text += t), true) };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const code = await runBatch({
      workflow,
      out: join(dir, `out-${engines}`),
      sources: { inputs: {}, table, set: {} },
      servers: sims.map((x) => x.url),
      apiKey: undefined,
      queue: undefined,
      assets: undefined,
      maxItemAttempts: 3,
      io: terminalSafeIO({ stdout: sink, stderr: sink }),
      signal: new AbortController().signal,
      detach: new AbortController().signal,
      tuning: batchTuning({}),
      env: {},
    });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (code !== 0) throw new Error(`batch exited ${code}: ${sink.text.slice(-2000)}`);
    // The engines' own record of how long they worked.
    let busyMs = 0;
    for (const sim of sims) {
      const list = await createFooocusClient({ baseUrl: sim.url }).listTasks({
        query: 'history',
        pageSize: 200,
      });
      for (const r of list.history) busyMs += (r.finish_mills ?? 0) - (r.start_mills ?? 0);
    }
    return {
      items,
      perMinute: (items / wallMs) * 60_000,
      cpuMsPerItem: (cpu.user + cpu.system) / 1000 / items,
      idleMsPerItem: (engines * wallMs - busyMs) / items,
      /** Share of the engines' time spent on tasks: what the scheduling leaves of a perfect N×. */
      busyShare: busyMs / (engines * wallMs),
      taskMs: busyMs / items,
    };
  } finally {
    for (const sim of sims) sim.child.kill('SIGTERM');
  }
}

export async function benchBatch(): Promise<Record<string, string | number>> {
  const dir = await mkdtemp(join(tmpdir(), 'ff-bench-batch-'));
  try {
    const results = new Map<number, Awaited<ReturnType<typeof run>>>();
    for (const engines of [1, 2, 4]) results.set(engines, await run(engines, dir));
    const one = results.get(1)!;
    const figures: Record<string, string | number> = {};
    figures['simulated task time (engine busy per item, ms)'] = Math.round(one.taskMs);
    for (const [engines, r] of results) {
      figures[`${engines} engine(s): items per minute (${r.items} items)`] =
        `${r.perMinute.toFixed(1)} (${(r.perMinute / one.perMinute).toFixed(2)}× one engine)`;
    }
    for (const [engines, r] of results) {
      figures[`${engines} engine(s): coordinator CPU per item (ms)`] = r.cpuMsPerItem.toFixed(1);
      figures[`${engines} engine(s): engine idle wall time per item (ms)`] = Math.round(r.idleMsPerItem);
      figures[`${engines} engine(s): engines busy with tasks`] = `${(r.busyShare * 100).toFixed(1)}%`;
    }
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
