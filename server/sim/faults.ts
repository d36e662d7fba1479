/**
 * Test-only fault injection (a programmatic API of SimEngine; over HTTP only under test control).
 * Every fault is deterministic and fires once, except `stall`, which lasts until released or for `ms`.
 *
 * - `drop-before-reply`: the next request on `path` (exact, or a prefix when it ends in "/"; default
 *   the generate route) is fully processed — a generate task IS queued — but its socket is destroyed
 *   before any reply byte ("submit reply lost").
 * - `drop-poll`: the same for the next `GET /tasks/{id}`.
 * - `drop-mid-stream` (old name `cut-stream-after`): the next SSE stream sends `events` events and its
 *   socket is destroyed when the next one is due; like any dropped stream, its task still runs but is
 *   never recorded (unless the cut falls on the final event: post_worker has run by then).
 * - `stall`: from now on the server accepts connections but answers nothing, for `ms` or until
 *   `release()`; requests that arrived meanwhile are then answered.
 * - `http-500-next`, `finish-empty-next`: the next generate answers 500 / finishes with no image.
 * - `delay-reply-ms`: the next request on any route is answered `ms` later.
 * - `clear`: drops every pending fault and ends any stall.
 */
export type SimFault =
  | { kind: 'drop-before-reply'; path?: string }
  | { kind: 'drop-poll' }
  | { kind: 'drop-mid-stream'; events: number }
  | { kind: 'cut-stream-after'; events: number }
  | { kind: 'stall'; ms?: number }
  | { kind: 'http-500-next' }
  | { kind: 'finish-empty-next' }
  | { kind: 'delay-reply-ms'; ms: number }
  | { kind: 'clear' };

type Armed = Exclude<SimFault, { kind: 'clear' | 'stall' }>;
type Kind = Armed['kind'];

export interface FaultHandle {
  readonly id: number;
  readonly fault: SimFault;
  /** Resolves when the fault has fired (a stall: when it starts, i.e. at once). */
  readonly fired: Promise<void>;
  /** Ends a stall; withdraws a fault that has not fired yet. Idempotent. */
  release(): void;
}

export interface FaultInfo {
  id: number;
  fault: SimFault;
  fired: boolean;
}

interface Slot {
  handle: FaultHandle;
  fired: boolean;
  fire: () => void;
}

export const GENERATE_PATH = '/v1/engine/generate/';

/** Does a request path match a fault's `path` (exact, or prefix when it ends in "/")? */
export function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('/') && pattern.length > 1 ? path.startsWith(pattern) : path === pattern;
}

export class FaultQueue {
  private pending: Slot[] = [];
  private stalls = new Map<number, Promise<void>>();
  private readonly stallEnders = new Map<number, () => void>();
  private readonly handles = new Map<number, FaultHandle>();
  private nextId = 1;

  /** `release()` of the fault with this id (unknown ids are ignored). */
  release(id: number): void {
    this.handles.get(id)?.release();
  }

  inject(fault: SimFault): FaultHandle {
    const id = this.nextId++;
    let resolveFired!: () => void;
    const fired = new Promise<void>((r) => (resolveFired = r));
    const slot: Slot = {
      fired: false,
      fire: () => {
        slot.fired = true;
        resolveFired();
      },
      handle: {
        id,
        fault,
        fired,
        release: () => {
          if (fault.kind === 'stall') this.stallEnders.get(id)?.();
          else if (!slot.fired) this.pending = this.pending.filter((s) => s !== slot);
        },
      },
    };
    this.handles.set(id, slot.handle);
    if (fault.kind === 'clear') {
      this.pending = [];
      for (const end of [...this.stallEnders.values()]) end();
      slot.fire();
    } else if (fault.kind === 'stall') {
      this.startStall(id, fault.ms);
      slot.fire();
    } else this.pending.push(slot);
    return slot.handle;
  }

  private startStall(id: number, ms: number | undefined): void {
    let timer: NodeJS.Timeout | undefined;
    const ended = new Promise<void>((resolve) => {
      this.stallEnders.set(id, () => {
        clearTimeout(timer);
        this.stallEnders.delete(id);
        this.stalls.delete(id);
        resolve();
      });
    });
    this.stalls.set(id, ended);
    if (ms !== undefined) timer = setTimeout(() => this.stallEnders.get(id)?.(), ms);
  }

  /** Requests held by a stall right now. */
  stalledRequests = 0;

  /** Resolves once no stall is active (at once when none is). */
  async stallGate(): Promise<void> {
    if (this.stalls.size === 0) return;
    this.stalledRequests++;
    try {
      while (this.stalls.size > 0) await Promise.all(this.stalls.values());
    } finally {
      this.stalledRequests--;
    }
  }

  stalled(): boolean {
    return this.stalls.size > 0;
  }

  /**
   * Takes the first pending fault of `kind` that `accept` agrees to, and marks it fired; `fire: false`
   * leaves the marking to the caller (for faults that act later than they are taken).
   */
  take<K extends Kind>(
    kind: K,
    accept: (f: Extract<Armed, { kind: K }>) => boolean = () => true,
    opts: { fire?: boolean } = {},
  ): { fault: Extract<Armed, { kind: K }>; fire: () => void } | undefined {
    const i = this.pending.findIndex(
      (s) => s.handle.fault.kind === kind && accept(s.handle.fault as Extract<Armed, { kind: K }>),
    );
    if (i < 0) return undefined;
    const [slot] = this.pending.splice(i, 1);
    if (opts.fire !== false) slot!.fire();
    return { fault: slot!.handle.fault as Extract<Armed, { kind: K }>, fire: slot!.fire };
  }

  info(): FaultInfo[] {
    return [
      ...this.pending.map((s) => ({ id: s.handle.id, fault: s.handle.fault, fired: false })),
      ...[...this.stalls.keys()].map((id) => ({ id, fault: { kind: 'stall' } as SimFault, fired: true })),
    ];
  }
}
