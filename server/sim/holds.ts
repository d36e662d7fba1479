/**
 * Deterministic pauses for tests: the worker stops at a chosen sampling step of a task and waits
 * until the test releases it, so tests about Stop, reload and crashes never depend on timing.
 * Step 0 holds a task as soon as the worker picks it, before its first progress update.
 */

export interface HoldSpec {
  /** The `s` of "Sampling step s/T" after whose update the worker pauses; 0 = before any update. */
  step: number;
  /** Only this task (default: the first task that reaches the step). */
  taskId?: string;
}

export interface HoldPoint {
  taskId: string;
  step: number;
}

export interface Hold {
  readonly id: number;
  readonly spec: HoldSpec;
  /** Resolves when a task reaches the step and the worker pauses there. */
  readonly reached: Promise<HoldPoint>;
  /** Lets the worker go on (before the hold is reached: the hold is dropped). Idempotent. */
  release(): void;
}

export interface HoldInfo {
  id: number;
  step: number;
  taskId: string | null;
  reached: HoldPoint | null;
  released: boolean;
}

interface HoldSlot {
  hold: Hold;
  point: HoldPoint | null;
  released: boolean;
  resolveReached: (p: HoldPoint) => void;
  releasedPromise: Promise<void>;
}

export class HoldRegistry {
  private readonly slots: HoldSlot[] = [];
  private nextId = 1;

  add(spec: HoldSpec): Hold {
    if (!Number.isInteger(spec.step) || spec.step < 0) throw new Error('hold step must be an integer ≥ 0');
    let resolveReached!: (p: HoldPoint) => void;
    let resolveReleased!: () => void;
    const reached = new Promise<HoldPoint>((r) => (resolveReached = r));
    const releasedPromise = new Promise<void>((r) => (resolveReleased = r));
    const slot: HoldSlot = {
      hold: {
        id: this.nextId++,
        spec: { ...spec },
        reached,
        release: () => {
          slot.released = true;
          resolveReleased();
        },
      },
      point: null,
      released: false,
      resolveReached,
      releasedPromise,
    };
    this.slots.push(slot);
    return slot.hold;
  }

  get(id: number): Hold | undefined {
    return this.slots.find((s) => s.hold.id === id)?.hold;
  }

  /** Releases every hold (tests' clean-up, and `POST /__sim/release` without an id). */
  releaseAll(): void {
    for (const s of this.slots) s.hold.release();
  }

  info(): HoldInfo[] {
    return this.slots
      .filter((s) => !s.released || s.point)
      .map((s) => ({
        id: s.hold.id,
        step: s.hold.spec.step,
        taskId: s.hold.spec.taskId ?? null,
        reached: s.point,
        released: s.released,
      }));
  }

  /**
   * Called by the worker at each checkpoint. Pauses while a matching hold is unreleased, or until
   * `abandoned` resolves (the engine was killed). Each hold fires once.
   */
  async checkpoint(taskId: string, step: number, abandoned: Promise<void>): Promise<void> {
    const slot = this.slots.find(
      (s) =>
        !s.point && !s.released && s.hold.spec.step === step && (s.hold.spec.taskId ?? taskId) === taskId,
    );
    if (!slot) return;
    slot.point = { taskId, step };
    slot.resolveReached(slot.point);
    await Promise.race([slot.releasedPromise, abandoned]);
  }
}
