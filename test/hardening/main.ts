/**
 * `npm run test:hardening`: every untrusted parser against at least 100,000 seeded inputs, a sample
 * through the real CLI (separate processes), and size-scaled files of 1, 10 and 50 MB, each in its
 * own process for an honest peak memory. Prints one table; exits 1 on any crash, hang, CLI exit
 * code other than 0/1/2, control character on a terminal, or refusal without a path or node.
 *
 * HARDENING_COUNT=N changes the inputs per parser (default 100000); HARDENING_SEED the seed;
 * HARDENING_ONLY=0,3 runs only those parsers (by their row number), e.g. one process per parser.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../compiler/helpers.ts';
import { cliSample, fuzzTarget, type FuzzStats } from './fuzz/harness.ts';
import { loadTargets } from './fuzz/targets.ts';

const exec = promisify(execFile);
const COUNT = Number(process.env.HARDENING_COUNT ?? 100_000);
const SEED = Number(process.env.HARDENING_SEED ?? 20261202);
const ONLY = process.env.HARDENING_ONLY?.split(',').map(Number);
const HANG_MS = 2000;
const CLI_SAMPLE = 8;
const SIZES = [1, 10, 50];
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

interface Row {
  stats: FuzzStats;
  cliRuns: number;
  badExits: string[];
  controlLeaks: number;
  scale: { mb: number; ms: number; cpuMs: number; peakMb: number; outcome: string }[];
}

async function runCli(argv: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', join(REPO, 'cli/bin.mjs'), ...argv], {
      cwd: REPO,
      maxBuffer: 1 << 26,
    });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === 'number' ? err.code : -1,
      out: (err.stdout ?? '') + (err.stderr ?? ''),
    };
  }
}

async function scaleOne(index: number, mb: number) {
  const r = await exec(
    process.execPath,
    ['--import', 'tsx', join(REPO, 'test/hardening/scale-one.ts'), String(index), String(mb)],
    {
      cwd: REPO,
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Row['scale'][number];
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

async function main() {
  const targets = await loadTargets();
  const dir = await mkdtemp(join(tmpdir(), 'ff-hardening-'));
  const rows: Row[] = [];
  try {
    for (const [index, target] of targets.entries()) {
      if (ONLY && !ONLY.includes(index)) continue;
      process.stderr.write(`fuzzing ${target.name}: ${COUNT} inputs…\n`);
      const stats = await fuzzTarget(target, { count: COUNT, seed: SEED + index, hangMs: HANG_MS });
      const row: Row = { stats, cliRuns: 0, badExits: [], controlLeaks: 0, scale: [] };
      if (target.cli) {
        for (const [k, input] of cliSample(target, SEED + index, CLI_SAMPLE).entries()) {
          const job = target.cli(input as never)!;
          const file = join(dir, `${index}-${k}.json`);
          await writeFile(file, job.file);
          for (const command of job.commands) {
            const r = await runCli([command[0]!, file, ...command.slice(1)]);
            row.cliRuns++;
            if (![0, 1, 2].includes(r.code))
              row.badExits.push(`${command.join(' ')} ${file}: exit ${r.code}`);
            if (CONTROL.test(r.out)) row.controlLeaks++;
          }
        }
      }
      for (const mb of SIZES) row.scale.push(await scaleOne(index, mb));
      rows.push(row);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  print(rows);
  const failed = rows.some(
    (r) =>
      r.stats.crashes ||
      r.stats.hangs ||
      r.stats.pathless ||
      r.badExits.length ||
      r.controlLeaks ||
      r.scale.some((s) => s.outcome.startsWith('CRASH')),
  );
  for (const r of rows) {
    for (const c of r.stats.crashSamples)
      console.log(`CRASH in ${r.stats.name}: ${c.error}\n  input: ${c.input}`);
    for (const p of r.stats.pathlessSamples) console.log(`NO PATH in ${r.stats.name}: ${p}`);
    for (const b of r.badExits) console.log(`BAD EXIT in ${r.stats.name}: ${b}`);
  }
  process.exitCode = failed ? 1 : 0;
}

function print(rows: Row[]) {
  console.log(
    `\nseed ${SEED}, ${COUNT.toLocaleString('en')} inputs per parser, hang = one input over ${HANG_MS} ms of CPU time; slowest = CPU time\n`,
  );
  console.log(
    `${'parser'.padEnd(32)} ${pad('inputs', 8)} ${pad('crashes', 7)} ${pad('hangs', 5)} ${pad('CLI runs', 8)} ${pad('exit∉{0,1,2}', 12)} ${pad('ctrl chars', 10)} ${pad('no path', 7)} ${pad('slowest', 9)}`,
  );
  for (const r of rows) {
    const s = r.stats;
    console.log(
      `${s.name.padEnd(32)} ${pad(s.tried, 8)} ${pad(s.crashes, 7)} ${pad(s.hangs, 5)} ${pad(r.cliRuns || 'n/a', 8)} ${pad(r.cliRuns ? r.badExits.length : 'n/a', 12)} ${pad(r.cliRuns ? r.controlLeaks : 'n/a', 10)} ${pad(s.pathless, 7)} ${pad(`${s.slowestMs.toFixed(0)} ms`, 9)}`,
    );
  }
  console.log(
    `\nsize-scaled files (one process each): CPU time of the parse, CPU time per MB, peak resident memory of the process;\n` +
      `growth = CPU ms/MB at 50 MB ÷ at 10 MB (1.0 = linear; the 1 MB row also carries JIT warm-up and lazy loading)`,
  );
  console.log(
    `${'parser'.padEnd(32)} ${SIZES.map((mb) => pad(`${mb} MB: ms  ms/MB  peak`, 26)).join(' ')} ${pad('growth', 6)}  outcome`,
  );
  for (const r of rows) {
    const cells = r.scale.map((x) =>
      pad(`${x.cpuMs.toFixed(0)}  ${(x.cpuMs / x.mb).toFixed(1)}  ${x.peakMb.toFixed(0)} MB`, 26),
    );
    const perMb = (mb: number) => {
      const x = r.scale.find((y) => Math.round(y.mb) === mb);
      return x ? x.cpuMs / x.mb : NaN;
    };
    console.log(
      `${r.stats.name.padEnd(32)} ${cells.join(' ')} ${pad((perMb(50) / perMb(10)).toFixed(2), 6)}  ${[...new Set(r.scale.map((x) => x.outcome))].join(', ')}`,
    );
  }
  console.log(
    `wall time (ms) at ${SIZES.join(' / ')} MB: ${rows.map((r) => `${r.stats.name} ${r.scale.map((x) => x.ms.toFixed(0)).join(' / ')}`).join('; ')}`,
  );
}

await main();
