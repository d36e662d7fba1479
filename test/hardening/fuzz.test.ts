/**
 * The seeded subset of `npm run test:hardening`: a few thousand fuzzed inputs over every untrusted
 * parser, deterministic (fixed seed), with no timing assertion. Any crash or pathless refusal
 * fails with the input that caused it; a sample also goes through the CLI, whose exit code must
 * be 0, 1 or 2 and whose output must carry no control character.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { captureIO } from '../compiler/helpers.ts';
import { cliSample, fuzzTarget } from './fuzz/harness.ts';
import { loadTargets, type Target } from './fuzz/targets.ts';

const PER_PARSER = 500;
const SEED = 20261202;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let targets: Target<unknown>[];
let dir: string;
beforeAll(async () => {
  targets = await loadTargets();
  dir = await mkdtemp(join(tmpdir(), 'ff-fuzz-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('seeded fuzzing of every untrusted parser', () => {
  const names = ['workflow file', 'decompile', 'server replies', 'SSE', 'clipboard paste', 'image header'];
  for (const [index, name] of names.entries()) {
    it(`${name}: no crash, every refusal names a path or node`, async () => {
      const target = targets[index]!;
      const stats = await fuzzTarget(target, { count: PER_PARSER, seed: SEED + index, hangMs: Infinity });
      expect(stats.tried).toBe(PER_PARSER);
      expect(stats.crashSamples, target.name).toEqual([]);
      expect(stats.pathlessSamples, target.name).toEqual([]);
    }, 120_000);
  }

  it('the CLI exits 0, 1 or 2 on fuzzed files and never prints a control character', async () => {
    let runs = 0;
    for (const target of targets.filter((t) => t.cli)) {
      for (const [k, input] of cliSample(target, SEED, 12).entries()) {
        const job = target.cli!(input as never)!;
        const file = join(dir, `in-${runs}-${k}.json`);
        await writeFile(file, job.file);
        for (const command of job.commands) {
          const cap = captureIO();
          const code = await main([command[0]!, file, ...command.slice(1)], cap.io);
          runs++;
          expect([0, 1, 2], `${target.name} ${command.join(' ')}`).toContain(code);
          const output = command.includes('--json') ? cap.stderr : cap.stdout + cap.stderr;
          expect(output, `${target.name} ${command.join(' ')}`).not.toMatch(CONTROL);
        }
      }
    }
    expect(runs).toBeGreaterThanOrEqual(48);
  }, 300_000);
});
