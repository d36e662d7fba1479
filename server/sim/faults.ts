/**
 * Test-only fault injection for client tests (a programmatic API of SimEngine, never an HTTP route).
 * Each fault fires once. `http-500-next`, `finish-empty-next` and `cut-stream-after` apply to the next
 * generate request; `delay-reply-ms` delays the next request on any route.
 */
export type SimFault =
  | { kind: 'cut-stream-after'; events: number }
  | { kind: 'http-500-next' }
  | { kind: 'finish-empty-next' }
  | { kind: 'delay-reply-ms'; ms: number }
  | { kind: 'clear' };

type Kind = Exclude<SimFault, { kind: 'clear' }>['kind'];

export class FaultQueue {
  private pending: Exclude<SimFault, { kind: 'clear' }>[] = [];

  inject(fault: SimFault): void {
    if (fault.kind === 'clear') this.pending = [];
    else this.pending.push(fault);
  }

  take<K extends Kind>(kind: K): Extract<SimFault, { kind: K }> | undefined {
    const i = this.pending.findIndex((f) => f.kind === kind);
    if (i < 0) return undefined;
    const [fault] = this.pending.splice(i, 1);
    return fault as Extract<SimFault, { kind: K }>;
  }
}
