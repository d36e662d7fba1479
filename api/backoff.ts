/**
 * Bounded exponential backoff with full jitter for reads that may be retried (polls, searches):
 * one failed read never ends a run, and many clients retrying after a server restart do not all
 * come back in the same instant.
 */
export interface BackoffOptions {
  /** First pause after a failure; default 250 ms. */
  baseMs?: number | undefined;
  /** Longest pause; default 5 s. */
  maxMs?: number | undefined;
  /** Injected randomness (tests); default Math.random. */
  random?: (() => number) | undefined;
}

export interface Backoff {
  /** The pause before the next attempt; grows with every failure in a row. */
  next(): number;
  /** A success: start again from the base. */
  reset(): void;
  readonly failures: number;
}

export function createBackoff(opts: BackoffOptions = {}): Backoff {
  const base = opts.baseMs ?? 250;
  const max = opts.maxMs ?? 5_000;
  const random = opts.random ?? Math.random;
  let failures = 0;
  return {
    next() {
      const ceiling = Math.min(max, base * 2 ** Math.min(failures, 20));
      failures++;
      // Half fixed, half random: never 0 (a hot loop), never above the ceiling.
      return Math.round(ceiling / 2 + random() * (ceiling / 2));
    },
    reset() {
      failures = 0;
    },
    get failures() {
      return failures;
    },
  };
}
