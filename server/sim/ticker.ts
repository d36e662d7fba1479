/**
 * The drainers' clock. Upstream each drainer sleeps 0.2 s between two reads of its task's updates;
 * here that is `ms`. In manual mode (tests) drainers only move when the test calls `tick()`, which
 * lets every waiting drainer read one update and resolves once they have all come to rest again —
 * so races between drainers (CurrentTask flips, broken streams) are replayed step by step.
 */

/** The drain was cancelled (its connection went away, or the engine was killed). */
export class DrainCancelled extends Error {}

function cancelled(signal: AbortSignal): DrainCancelled {
  return new DrainCancelled(String(signal.reason ?? 'cancelled'));
}

/** Who is waiting: one token object per drainer. */
export type DrainerToken = object;

export class Ticker {
  private readonly waiting = new Map<DrainerToken, () => void>();
  /** Drainers moved by the tick in progress that have not come to rest yet. */
  private readonly moving = new Set<DrainerToken>();
  private settled: (() => void) | null = null;

  constructor(
    private readonly ms: number,
    readonly manual: boolean,
  ) {}

  /** One tick of waiting (a drainer's `await asyncio.sleep(0.2)`). */
  wait(me: DrainerToken, signal: AbortSignal): Promise<void> {
    this.rest(me);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(cancelled(signal));
      let timer: NodeJS.Timeout | undefined;
      const go = () => {
        clearTimeout(timer);
        this.waiting.delete(me);
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        this.waiting.delete(me);
        reject(cancelled(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (this.manual) this.waiting.set(me, go);
      else timer = setTimeout(go, this.ms);
    });
  }

  /** A drainer that stops moving for another reason (waiting for an update, or done). */
  rest(me: DrainerToken): void {
    if (!this.moving.delete(me)) return;
    if (this.moving.size === 0) this.settled?.();
  }

  /** Manual mode: moves every waiting drainer once; resolves with their number when all rest again. */
  async tick(): Promise<number> {
    if (!this.manual) throw new Error('tick() needs an engine started with manualTick: true');
    const goes = [...this.waiting];
    if (goes.length === 0) return 0;
    const done = new Promise<void>((resolve) => (this.settled = resolve));
    for (const [me] of goes) this.moving.add(me);
    for (const [, go] of goes) go();
    await done;
    this.settled = null;
    return goes.length;
  }
}
