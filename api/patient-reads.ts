/**
 * Reads that outlast a flaky server: every failed read (refused, reset, timed out, 5xx) is retried
 * with backoff, and the run only gives up when the server has not answered ANYTHING for
 * `goneAfterMs`. One shared clock of "last answer" serves every read of a run, so a server that
 * answers `/tasks` but not `/tasks/{id}` is not called gone.
 */
import { createBackoff, type BackoffOptions } from './backoff.ts';
import { sleep } from './deadline.ts';
import { FooocusApiError } from './errors.ts';

/**
 * Errors a retry can cure: no answer, or a 5xx (a proxy or a restarting server). A 403, a 404 or a
 * reply of the wrong shape will not change by asking again.
 */
export function isRetryable(e: unknown): boolean {
  if (!(e instanceof FooocusApiError)) return false;
  if (e.kind === 'server') return e.status === undefined || e.status >= 500;
  return e.kind === 'network' || e.kind === 'timeout';
}

/** Thrown by `read` when the server has been silent too long; the run turns it into an outcome. */
export class ServerSilentError extends Error {
  constructor(
    readonly silentMs: number,
    readonly lastError: unknown,
  ) {
    super(`no answer from the server for ${Math.round(silentMs / 1000)} s`);
    this.name = 'ServerSilentError';
  }
}

/** Thrown by `read` when the caller's signal fired (detach). */
export class DetachedError extends Error {
  constructor() {
    super('detached');
    this.name = 'DetachedError';
  }
}

export interface PatientReadOptions {
  /** Give up after this long without any answer from the server; default 120 s. */
  goneAfterMs?: number | undefined;
  backoff?: BackoffOptions | undefined;
  signal?: AbortSignal | undefined;
  /** Told about each failed read (to show "no answer for N s, still trying"). */
  onRetry?: ((silentMs: number, error: unknown) => void) | undefined;
  now?: (() => number) | undefined;
}

export interface PatientReader {
  /** Run `fn` until it succeeds; throws ServerSilentError, DetachedError or a non-retryable error. */
  read<T>(fn: () => Promise<T>): Promise<T>;
  /** The server answered (any reply counts, also from calls made outside `read`). */
  heard(): void;
  /** Milliseconds since the server last answered. */
  silentFor(): number;
  /** True once a read found no server at all (refused, reset): the server may have restarted. */
  sawOutage(): boolean;
  /** A pause that ends early (DetachedError) when the caller detaches. */
  pause(ms: number): Promise<void>;
}

export function createPatientReader(opts: PatientReadOptions = {}): PatientReader {
  const now = opts.now ?? Date.now;
  const goneAfter = opts.goneAfterMs ?? 120_000;
  const backoff = createBackoff(opts.backoff);
  let lastAnswer = now();
  let outage = false;

  const pause = async (ms: number) => {
    if (opts.signal?.aborted) throw new DetachedError();
    await sleep(ms, opts.signal).catch(() => {
      throw new DetachedError();
    });
  };

  return {
    heard() {
      lastAnswer = now();
    },
    silentFor: () => now() - lastAnswer,
    sawOutage: () => outage,
    pause,
    async read<T>(fn: () => Promise<T>): Promise<T> {
      for (;;) {
        if (opts.signal?.aborted) throw new DetachedError();
        try {
          const value = await fn();
          lastAnswer = now();
          backoff.reset();
          return value;
        } catch (e) {
          if (opts.signal?.aborted) throw new DetachedError();
          if (!isRetryable(e)) throw e;
          if (e instanceof FooocusApiError && e.kind === 'network') outage = true;
          // A 5xx is an answer: the server is there, just failing this once.
          if (e instanceof FooocusApiError && e.kind === 'server') lastAnswer = now();
          const silent = now() - lastAnswer;
          if (silent >= goneAfter) throw new ServerSilentError(silent, e);
          opts.onRetry?.(silent, e);
          await pause(Math.min(backoff.next(), Math.max(1, goneAfter - silent)));
        }
      }
    },
  };
}
