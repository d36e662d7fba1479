/**
 * One AbortSignal that fires on the caller's signal or after a time limit, and remembers which one
 * fired, so the client can say "timeout" or "cancelled" instead of a bare AbortError.
 * Written by hand (not AbortSignal.any/timeout) so it behaves the same in every browser and Node 20.
 */

export interface Deadline {
  signal: AbortSignal;
  /** Why it fired: 'timeout' | 'caller' | undefined while still running. */
  reason(): 'timeout' | 'caller' | undefined;
  /** Stop the timer only: the caller's signal still aborts (a stream body outlives its header limit). */
  stopTimer(): void;
  /** Stop the timer and detach from the caller's signal. */
  dispose(): void;
}

export function deadline(callerSignal: AbortSignal | undefined, timeoutMs: number | undefined): Deadline {
  const controller = new AbortController();
  let why: 'timeout' | 'caller' | undefined;
  const onCaller = () => {
    why ??= 'caller';
    controller.abort(callerSignal?.reason);
  };
  if (callerSignal?.aborted) onCaller();
  else callerSignal?.addEventListener('abort', onCaller, { once: true });
  const timer =
    timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)
      ? setTimeout(() => {
          why ??= 'timeout';
          controller.abort(new Error('timeout'));
        }, timeoutMs)
      : undefined;
  return {
    signal: controller.signal,
    reason: () => why,
    stopTimer: () => {
      if (timer !== undefined) clearTimeout(timer);
    },
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCaller);
    },
  };
}

/** A sleep that ends early (rejecting) when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
