/**
 * The fault harness: every fault kind against the simulated engine, N trials each for the CLI and
 * the API client, and one table of what the server finished versus what the clients saved.
 * A run that ends without its results (server gone, client killed, detached) is resumed once the
 * fault is over, as the printed resume command tells a user to; what that saves counts.
 *
 * Faults on the wire come from a proxy in front of the engine (fault-proxy.ts); engine-side faults
 * (stall, kill/restart, holds) from the engine's own test API when it has them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../compiler/compile.ts';
import type { FooocusRequest } from '../../contract/index.ts';
import { getTemplate } from '../../compiler/authoring/templates.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import {
  resumeApi,
  resumeCli,
  runApi,
  runCli,
  runCliKilled,
  type ClientKind,
  type HarnessTuning,
  type RunReport,
} from './clients.ts';
import { isPoll, isSubmit, once, startFaultProxy, type FaultProxy } from './fault-proxy.ts';

export interface Env {
  sim: SimEngine;
  proxy: FaultProxy;
  dir: string;
  workflowFile: string;
  tuning: HarnessTuning;
  nextSeed(): number;
  request(seed: number): FooocusRequest;
  outDir(): string;
}

export interface Scenario {
  name: string;
  /** One trial for `client`: the runs it made (several for the concurrent ones). */
  trial(env: Env, client: ClientKind): Promise<RunReport[]>;
}

const progressed = (s: string) => /\] +[1-9]\d*% /.test(s);

/** One run of `client`, with hooks on its progress (CLI: stderr text; API: progress events). */
function one(
  env: Env,
  client: ClientKind,
  hooks: {
    onRunning?: (stop: () => void) => void;
    /** Told how to press Stop, before the run starts (for faults triggered by the engine). */
    onStart?: (stop: () => void) => void;
    signal?: AbortSignal;
  } = {},
): Promise<RunReport> {
  const seed = env.nextSeed();
  if (client === 'api') {
    let fired = false;
    return runApi({
      api: env.proxy.url,
      request: env.request(seed),
      tuning: env.tuning,
      signal: hooks.signal,
      onStart: hooks.onStart,
      onProgress: (p, stop) => {
        if (!fired && p.phase === 'running' && p.progress > 0) {
          fired = true;
          hooks.onRunning?.(stop);
        }
      },
    });
  }
  const stopper = new AbortController();
  hooks.onStart?.(() => stopper.abort());
  let fired = false;
  return runCli({
    file: env.workflowFile,
    out: env.outDir(),
    api: env.proxy.url,
    seed,
    tuning: env.tuning,
    extras: { signal: stopper.signal, detachSignal: hooks.signal },
    onStderr: (text) => {
      if (!fired && progressed(text)) {
        fired = true;
        hooks.onRunning?.(() => stopper.abort());
      }
    },
  });
}

/** Resume every run that ended without its results, once the fault is over. */
async function settle(env: Env, reports: RunReport[]): Promise<RunReport[]> {
  const out: RunReport[] = [];
  for (const r of reports) {
    if (!r.resumable) {
      out.push(r);
      continue;
    }
    const again =
      typeof r.resumable === 'string'
        ? await resumeCli({
            file: env.workflowFile,
            out: r.resumable,
            api: env.proxy.url,
            seed: r.seed,
            tuning: env.tuning,
          })
        : await resumeApi(env.proxy.url, r.resumable, env.tuning);
    out.push({ ...again, end: `${r.end} → resumed: ${again.end}` });
  }
  return out;
}

/** A rule for the proxy, one trial long. */
function withRule(env: Env, rule: Parameters<FaultProxy['setRule']>[0]) {
  env.proxy.setRule(rule);
}

/**
 * Stop at a held step: the engine pauses the task at step 2; Stop is pressed there; the hold is
 * released at the client's first request after its stop, so the worker sees the stop next step.
 */
function stopWhenHeld(env: Env) {
  const held = env.sim.hold({ step: 2 });
  let stopSent = false;
  withRule(env, (r) => {
    if (stopSent) held.release();
    if (r.path.startsWith('/v1/engine/control')) stopSent = true;
    return 'pass';
  });
  return held;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'connection dropped before the server saw the submit',
    async trial(env, client) {
      withRule(env, once(isSubmit, 'drop-before'));
      return settle(env, [await one(env, client)]);
    },
  },
  {
    name: 'submit reply lost (task queued, reply dropped)',
    async trial(env, client) {
      env.sim.inject({ kind: 'drop-before-reply' });
      return settle(env, [await one(env, client)]);
    },
  },
  {
    name: 'connection dropped mid-reply (body cut)',
    async trial(env, client) {
      // The clients no longer stream; a reply body cut half-way is the same break on a poll.
      withRule(env, once(isPoll, 'cut-body'));
      return settle(env, [await one(env, client)]);
    },
  },
  {
    name: 'connection dropped mid-poll (3 polls in a row)',
    async trial(env, client) {
      for (let i = 0; i < 3; i++) env.sim.inject({ kind: 'drop-poll' });
      return settle(env, [await one(env, client)]);
    },
  },
  {
    name: 'engine killed at a held step and restarted',
    async trial(env, client) {
      const held = env.sim.hold({ step: 2 });
      void held.reached.then(async () => {
        await env.sim.kill();
        await env.sim.restart();
      });
      const report = await one(env, client);
      held.release();
      return settle(env, [report]);
    },
  },
  {
    name: 'engine stalled (shorter than "server gone")',
    async trial(env, client) {
      const run = one(env, client, {
        onRunning: () => {
          env.sim.inject({ kind: 'stall', ms: env.tuning.goneAfterMs / 2 });
        },
      });
      return settle(env, [await run]);
    },
  },
  {
    name: 'engine stalled (longer: server gone, then resumed)',
    async trial(env, client) {
      let stall: { release(): void } | undefined;
      const report = await one(env, client, {
        onRunning: () => {
          stall = env.sim.inject({ kind: 'stall' });
        },
      });
      stall?.release();
      return settle(env, [report]);
    },
  },
  {
    name: 'two concurrent runs (CLI + API)',
    async trial(env, client) {
      const other: ClientKind = client === 'cli' ? 'api' : 'cli';
      return settle(env, await Promise.all([one(env, client), one(env, other)]));
    },
  },
  {
    name: 'three concurrent runs (CLI + API)',
    async trial(env, client) {
      const other: ClientKind = client === 'cli' ? 'api' : 'cli';
      return settle(env, await Promise.all([one(env, client), one(env, other), one(env, client)]));
    },
  },
  {
    name: 'client killed mid-run, then resumed',
    async trial(env, client) {
      if (client === 'api') {
        // The API client "dies" by detaching: what it leaves is its last journal entry.
        const gone = new AbortController();
        const report = await one(env, 'api', { onRunning: () => gone.abort(), signal: gone.signal });
        return settle(env, [report]);
      }
      const seed = env.nextSeed();
      const out = env.outDir();
      const o = { file: env.workflowFile, out, api: env.proxy.url, seed, tuning: env.tuning };
      await runCliKilled(o, progressed);
      return [{ ...(await resumeCli(o)), seed }];
    },
  },
  {
    name: 'Stop at a held step',
    async trial(env, client) {
      const held = stopWhenHeld(env);
      let stop: (() => void) | undefined;
      void held.reached.then(() => stop?.());
      const report = await one(env, client, { onStart: (s) => (stop = s) });
      held.release();
      return settle(env, [report]);
    },
  },
];

export interface Row {
  scenario: string;
  client: ClientKind;
  trials: number;
  finished: number;
  saved: number;
  lost: number;
  duplicates: number;
  hangs: number;
  unclear: number;
  notes: string[];
}

interface ServerRow {
  task_status: string | null;
  result: string[] | null;
  req_params: Record<string, unknown>;
}

async function serverRows(sim: SimEngine): Promise<ServerRow[]> {
  const list = (await (await fetch(`${sim.url}/tasks?query=all&page=0&page_size=100000`)).json()) as {
    history: ServerRow[];
    pending: ServerRow[];
  };
  return [...list.history, ...list.pending];
}

export interface HarnessOptions {
  trials: number;
  /** Milliseconds per sampling step of the engine. */
  stepMs: number;
  /** The engine's read loop; default the real server's 200 ms. */
  tickMs?: number | undefined;
  tuning: HarnessTuning;
  /** A bound per trial: a trial still running after it is a hang. */
  trialLimitMs: number;
  /** Only the scenarios whose name contains one of these. */
  only?: string[] | undefined;
  clients?: ClientKind[] | undefined;
  log?: ((line: string) => void) | undefined;
  /** Scenario/client pairs run side by side, each on its own engine; default 4. */
  parallel?: number | undefined;
  /** Note every run, not only the bad ones. */
  verbose?: boolean | undefined;
}

/** A fresh engine, proxy and folder for one scenario and client: pairs run side by side. */
async function createEnv(opts: HarnessOptions): Promise<Env & { close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ff-faults-'));
  const sim = await startSimEngine({ port: 0, speed: opts.stepMs, tickMs: opts.tickMs ?? 200 });
  const proxy = await startFaultProxy(sim.url);
  const workflow = getTemplate('text-to-image')!.build();
  const workflowFile = join(dir, 'wf.json');
  await writeFile(workflowFile, serializeWorkflow(workflow));
  let seed = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  let outs = 0;
  return {
    sim,
    proxy,
    dir,
    workflowFile,
    tuning: opts.tuning,
    nextSeed: () => seed++,
    request: (s) => compile(workflow, { seed: s }).request,
    outDir: () => join(dir, `out-${++outs}`),
    async close() {
      await proxy.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function runRow(opts: HarnessOptions, scenario: Scenario, client: ClientKind): Promise<Row> {
  const env = await createEnv(opts);
  const row: Row = {
    scenario: scenario.name,
    client,
    trials: 0,
    finished: 0,
    saved: 0,
    lost: 0,
    duplicates: 0,
    hangs: 0,
    unclear: 0,
    notes: [],
  };
  try {
    for (let i = 0; i < opts.trials; i++) {
      env.proxy.setRule(() => 'pass');
      env.proxy.release();
      env.sim.inject({ kind: 'clear' });
      env.sim.releaseHolds();
      row.trials++;
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<'hang'>((r) => (timer = setTimeout(() => r('hang'), opts.trialLimitMs)));
      const reports = await Promise.race([scenario.trial(env, client), limit]).finally(() =>
        clearTimeout(timer),
      );
      env.proxy.setRule(() => 'pass');
      env.proxy.release();
      env.sim.inject({ kind: 'clear' });
      env.sim.releaseHolds();
      if (reports === 'hang') {
        row.hangs++;
        row.notes.push(`trial ${i + 1}: no end within ${opts.trialLimitMs} ms`);
        continue;
      }
      const rows = await serverRows(env.sim);
      for (const r of reports) {
        const mine = rows.filter((x) => Number(x.req_params['image_seed']) === r.seed);
        const done = mine
          .filter((x) => x.task_status === 'finished' || x.task_status === 'stop')
          .reduce((n, x) => n + (x.result?.length ?? 0), 0);
        row.finished += done;
        row.saved += r.saved;
        row.lost += Math.max(0, done - r.saved);
        if (mine.length > 1) row.duplicates++;
        if (!r.clear) row.unclear++;
        if (done > r.saved || mine.length > 1 || !r.clear || opts.verbose) {
          row.notes.push(`trial ${i + 1} seed ${r.seed}: ${r.end}, server ${done}, saved ${r.saved}`);
        }
      }
    }
  } finally {
    await env.close();
  }
  return row;
}

export async function runHarness(opts: HarnessOptions): Promise<Row[]> {
  const pairs: [Scenario, ClientKind][] = [];
  for (const scenario of SCENARIOS) {
    if (opts.only && !opts.only.some((w) => scenario.name.includes(w))) continue;
    for (const client of opts.clients ?? (['cli', 'api'] as const)) pairs.push([scenario, client]);
  }
  const rows: Row[] = new Array<Row>(pairs.length);
  let next = 0;
  const worker = async () => {
    while (next < pairs.length) {
      const i = next++;
      const [scenario, client] = pairs[i]!;
      rows[i] = await runRow(opts, scenario, client);
      opts.log?.(formatRow(rows[i]));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallel ?? 4) }, worker));
  return rows;
}

export const HEADER = [
  'fault',
  'client',
  'trials',
  'server finished',
  'saved',
  'lost',
  'duplicate submissions',
  'hangs',
  'no clear final message',
];

export function formatRow(r: Row): string {
  return [r.scenario, r.client, r.trials, r.finished, r.saved, r.lost, r.duplicates, r.hangs, r.unclear].join(
    ' | ',
  );
}

export function formatTable(rows: Row[]): string {
  const cells = [HEADER, ...rows.map((r) => formatRow(r).split(' | '))];
  const widths = HEADER.map((_, i) => Math.max(...cells.map((c) => String(c[i]).length)));
  const line = (c: (string | number)[]) => `| ${c.map((x, i) => String(x).padEnd(widths[i]!)).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const total: Row = rows.reduce(
    (t, r) => ({
      ...t,
      trials: t.trials + r.trials,
      finished: t.finished + r.finished,
      saved: t.saved + r.saved,
      lost: t.lost + r.lost,
      duplicates: t.duplicates + r.duplicates,
      hangs: t.hangs + r.hangs,
      unclear: t.unclear + r.unclear,
    }),
    {
      scenario: 'total',
      client: 'cli',
      trials: 0,
      finished: 0,
      saved: 0,
      lost: 0,
      duplicates: 0,
      hangs: 0,
      unclear: 0,
      notes: [],
    } as Row,
  );
  const totalCells = formatRow(total).split(' | ');
  totalCells[1] = 'both';
  return [line(HEADER), sep, ...cells.slice(1).map(line), sep, line(totalCells)].join('\n');
}
