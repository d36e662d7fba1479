/**
 * Runs one parser over seeded inputs and counts what went wrong: crashes (an uncaught throw other
 * than our typed errors), hangs (one input over the time budget), refusals without a JSON path or
 * node. A handful of crash samples are kept so a failure can be reproduced.
 */
import { Rng } from './prng.ts';
import type { Target } from './targets.ts';

export interface FuzzStats {
  name: string;
  tried: number;
  crashes: number;
  crashSamples: { input: string; error: string }[];
  hangs: number;
  pathless: number;
  pathlessSamples: string[];
  slowestMs: number;
  ms: number;
}

export interface FuzzOptions {
  count: number;
  seed: number;
  /**
   * One input taking more CPU time than this is a hang (measured, not enforced: parsers are
   * synchronous). CPU time, not wall time: on a loaded machine a process waits for a core, and
   * a descheduled fast input must not count as a hang.
   */
  hangMs: number;
}

const MAX_STACKED_BYTES = 256 * 1024;

const sample = (input: unknown) =>
  (typeof input === 'string' ? input : Buffer.from(input as Uint8Array).toString('base64')).slice(0, 300);

export async function fuzzTarget(target: Target<unknown>, opts: FuzzOptions): Promise<FuzzStats> {
  const rng = new Rng(opts.seed);
  const stats: FuzzStats = {
    name: target.name,
    tried: 0,
    crashes: 0,
    crashSamples: [],
    hangs: 0,
    pathless: 0,
    pathlessSamples: [],
    slowestMs: 0,
    ms: 0,
  };
  const started = performance.now();
  let current = target.seeds[0];
  for (let i = 0; i < opts.count; i++) {
    // Mostly one mutation of a seed; sometimes a mutation of the last input (mutations stack up).
    const base = rng.chance(0.2) && current !== undefined ? current : rng.pick(target.seeds);
    const input = target.mutate(rng, base as never);
    // Stacked mutations stay small (the size-scaled files measure big inputs on purpose).
    current = rng.chance(0.5) && target.bytes(input as never) < MAX_STACKED_BYTES ? input : base;
    const cpu0 = process.cpuUsage();
    try {
      const r = await target.run(input as never);
      if (r.pathless) {
        stats.pathless++;
        if (stats.pathlessSamples.length < 3) stats.pathlessSamples.push(sample(input));
      }
    } catch (err) {
      if (!target.isTyped(err)) {
        stats.crashes++;
        if (stats.crashSamples.length < 5)
          stats.crashSamples.push({
            input: sample(input),
            error: String((err as Error)?.stack ?? err).slice(0, 500),
          });
      }
    }
    const used = process.cpuUsage(cpu0);
    const dt = (used.user + used.system) / 1000;
    stats.slowestMs = Math.max(stats.slowestMs, dt);
    if (dt > opts.hangMs) stats.hangs++;
    stats.tried++;
  }
  stats.ms = performance.now() - started;
  return stats;
}

/** The inputs a CLI sample uses: the same seeded stream, every `stride`-th one. */
export function cliSample(target: Target<unknown>, seed: number, count: number): unknown[] {
  const rng = new Rng(seed ^ 0x5eed);
  return Array.from({ length: count }, () => target.mutate(rng, rng.pick(target.seeds) as never));
}
