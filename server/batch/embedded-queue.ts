/**
 * The in-process queue (no `--queue`): the same semantics as BullMQ (queue.ts) for workers in this
 * process, one per server. Durability is the coordinator's: `persistEntry` writes the item's
 * journal entry into the manifest before the lease's `saveEntry` resolves.
 */
import {
  DEFAULT_ITEM_ATTEMPTS,
  ItemFailure,
  type ItemEvent,
  type ItemHandler,
  type ItemQueue,
  type JobSpec,
  type Lookup,
  type QueueWorker,
  type StoredEntry,
} from './queue.ts';
import { problemOf } from './item-problem.ts';

export interface EmbeddedQueueOptions {
  persistEntry(itemId: string, entry: StoredEntry | undefined): Promise<void>;
  maxItemAttempts?: number | undefined;
}

interface Waiting {
  spec: JobSpec;
  entry: StoredEntry | undefined;
  itemFailures: number;
}

export function createEmbeddedQueue(opts: EmbeddedQueueOptions): ItemQueue {
  const maxAttempts = opts.maxItemAttempts ?? DEFAULT_ITEM_ATTEMPTS;
  const waiting: Waiting[] = [];
  const known = new Set<string>();
  const ended = new Map<string, Lookup>();
  const listeners = new Set<(e: ItemEvent) => void>();
  let wake: (() => void)[] = [];
  let closed = false;

  const emit = (e: ItemEvent) => {
    for (const l of listeners) l(e);
  };
  const notify = () => {
    const w = wake;
    wake = [];
    for (const f of w) f();
  };
  const waitForWork = () => new Promise<void>((r) => wake.push(r));

  /** Workers with no item at all: a prefetch must leave them something to take. */
  let idleWorkers = 0;

  function worker(_name: string, handler: ItemHandler, slots = 1): QueueWorker {
    let paused = false;
    let stopping = false;
    let busy = 0;
    const current = new Set<AbortController>();
    const slot = async (prefetch: boolean) => {
      let idle = false;
      const setIdle = (v: boolean) => {
        if (!prefetch && v !== idle) idleWorkers += v ? 1 : -1;
        idle = v;
      };
      for (;;) {
        if (stopping || closed) return setIdle(false);
        const mayTake =
          !paused && waiting.length > 0 && (!prefetch || (busy > 0 && waiting.length > idleWorkers));
        if (!mayTake) {
          setIdle(busy === 0);
          await waitForWork();
          continue;
        }
        setIdle(false);
        busy++;
        const w = waiting.shift()!;
        const itemId = w.spec.itemId;
        const controller = new AbortController();
        current.add(controller);
        try {
          const job = await w.spec.build().catch((e: unknown) => {
            throw new ItemFailure('item', `cannot prepare the item: ${(e as Error).message}`, problemOf(e));
          });
          const result = await handler(
            {
              job,
              entry: w.entry,
              itemFailures: w.itemFailures,
              saveEntry: async (entry) => {
                w.entry = entry;
                await opts.persistEntry(itemId, entry);
              },
              report: async (e) => emit(e),
            },
            controller.signal,
          );
          ended.set(itemId, { state: 'completed', result });
          emit({ type: 'completed', itemId, result });
        } catch (e) {
          const failure =
            e instanceof ItemFailure ? e : new ItemFailure('item', `unexpected: ${(e as Error).message}`);
          if (failure.kind === 'item') w.itemFailures++;
          // A compile problem will not go away by trying again.
          const final =
            failure.kind === 'item' &&
            (w.itemFailures >= maxAttempts || failure.message.startsWith('cannot prepare'));
          if (final) {
            ended.set(itemId, { state: 'failed', reason: failure.message });
            emit({ type: 'failed', itemId, reason: failure.message, problem: failure.problem });
          } else {
            // A server's failure puts the item first in line for another server.
            if (failure.kind === 'server') waiting.unshift(w);
            else waiting.push(w);
            emit({
              type: 'retry',
              itemId,
              kind: failure.kind,
              reason: failure.message,
              itemFailures: w.itemFailures,
            });
            notify();
          }
        } finally {
          current.delete(controller);
          busy--;
          notify(); // a prefetch slot may now be the one to take the next item
        }
      }
    };
    const loop = Promise.all(Array.from({ length: slots }, (_, i) => slot(i > 0)));
    return {
      pause: () => {
        paused = true;
      },
      resume: () => {
        paused = false;
        notify();
      },
      close: async () => {
        stopping = true;
        for (const c of current) c.abort();
        notify();
        await loop;
      },
    };
  }

  return {
    kind: 'embedded',
    ready: async () => undefined,
    async add(specs) {
      for (const spec of specs) {
        if (known.has(spec.itemId)) continue;
        known.add(spec.itemId);
        waiting.push({ spec, entry: spec.entry, itemFailures: spec.itemFailures ?? 0 });
      }
      notify();
    },
    async forgetFailed(itemIds) {
      for (const id of itemIds) {
        if (ended.get(id)?.state !== 'failed') continue;
        ended.delete(id);
        known.delete(id);
      }
    },
    async lookup(itemId) {
      return ended.get(itemId) ?? (known.has(itemId) ? { state: 'pending' } : { state: 'absent' });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    worker,
    async close() {
      closed = true;
      notify();
    },
  };
}
