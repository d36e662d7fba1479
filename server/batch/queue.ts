/**
 * The one scheduler interface of a batch, with two implementations: an embedded in-process queue
 * (embedded-queue.ts, the default) and BullMQ on Redis (bullmq-queue.ts, `--queue redis://…`). Both
 * give the same semantics:
 *
 * - a job is one item; it is added once (by item id) and handed to one worker at a time;
 * - workers pull, so a free server takes the next item (work stealing across servers);
 * - a handler that fails with `ItemFailure('item')` uses one of the item's attempts; at
 *   `maxItemAttempts` the item is failed with its reason. `'server'` (the server failed, not the
 *   item) and `'stopped'` (we stopped it) put the item back without using an attempt;
 * - the item's tracked-run journal entry (api/run-journal.ts) travels with the job (`saveEntry`,
 *   durable when it resolves), so whoever takes the item next follows the task already submitted
 *   instead of sending it again;
 * - events (running, retries, server state, completed, failed) reach the coordinator.
 */
import type { RunJournalEntry } from '../../api/run-journal.ts';
import type { StepRun } from '../../api/run-steps.ts';
import type { CompiledStep } from '../../compiler/types.ts';
import type { FooocusRequest } from '../../contract/index.ts';
import type { ItemProblem } from './item-problem.ts';

/** One item, compiled: what a worker needs and nothing else (a worker may be on another machine). */
export interface ItemJob {
  itemId: string;
  label: string;
  /** The FooocusAPI request: images inlined, seed fixed (so a lost reply can be searched for). */
  request: FooocusRequest;
  expected: { count: number; min?: number | undefined };
  /**
   * A pipeline (compiler/steps): every step, images inlined (`request` is the first). The item's
   * steps all run on one server: each step's input is the previous step's result on that server.
   */
  steps?: CompiledStep[] | undefined;
}

/** The record of a pipeline item's requests (api/run-steps.ts), their entries kept without requests. */
export type StoredStepRun = Omit<StepRun, 'entry'> & { entry?: StoredEntryFields | undefined };

type StoredEntryFields = Omit<RunJournalEntry, 'request'>;

/**
 * The tracked run's journal entry without its request (the job carries it). For a pipeline, the
 * entry of the request in flight plus `steps`, every request so far with its task id: resuming
 * carries on at the right step.
 */
export type StoredEntry = StoredEntryFields & { steps?: StoredStepRun[] | undefined };

export interface JobSpec {
  itemId: string;
  /** Left by an earlier run of the batch (embedded mode): the task to follow before sending anything. */
  entry?: StoredEntry | undefined;
  itemFailures?: number | undefined;
  /** Compiles the item; called once, when the job is added (BullMQ) or first taken (embedded). */
  build(): Promise<ItemJob>;
}

/** What a worker hands back: where the results are. The coordinator downloads them (collect.ts). */
export interface ItemResult {
  taskId: string;
  /** The server that ran the task, as the worker reached it. */
  baseUrl: string;
  /** Result URLs, re-based onto `baseUrl`. */
  images: string[];
  warnings: string[];
  worker: string;
  /** A pipeline: every request's task, by step (1-based) and chain. */
  tasks?: { step: number; chain: number; taskId: string }[] | undefined;
}

export type ServerState = 'ok' | 'backoff' | 'out';

/** A server as the progress shows it: its state and the last thing said about it. */
export interface ServerStatus {
  state: ServerState;
  message?: string | undefined;
}

export type ItemEvent =
  | {
      type: 'running';
      itemId: string;
      worker: string;
      server: string;
      taskId?: string | undefined;
      phase: string;
      progress: number;
    }
  | { type: 'retry'; itemId: string; kind: FailureKind; reason: string; itemFailures: number }
  | {
      type: 'server';
      itemId?: string | undefined;
      worker: string;
      server: string;
      state: ServerState;
      failures: number;
      message: string;
    }
  | { type: 'completed'; itemId: string; result: ItemResult }
  | { type: 'failed'; itemId: string; reason: string; problem?: ItemProblem | undefined };

export type Lookup =
  | { state: 'absent' }
  | { state: 'pending' }
  | { state: 'completed'; result: ItemResult }
  | { state: 'failed'; reason: string };

export interface Lease {
  job: ItemJob;
  entry: StoredEntry | undefined;
  itemFailures: number;
  /** Durable when it resolves: the tracked run waits for it before it POSTs. */
  saveEntry(entry: StoredEntry | undefined): Promise<void>;
  report(event: ItemEvent): Promise<void>;
}

/** item: this item failed (uses an attempt); server: the server failed; stopped: we stopped it. */
export type FailureKind = 'item' | 'server' | 'stopped';

export class ItemFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** What went wrong as a code and details, for the editor to word (item-problem.ts). */
    readonly problem?: ItemProblem,
  ) {
    super(message);
    this.name = 'ItemFailure';
  }
}

/** Runs one item on one server. Aborting `signal` asks it to stop the task on the server. */
export type ItemHandler = (lease: Lease, signal: AbortSignal) => Promise<ItemResult>;

export interface QueueWorker {
  /** Take no new item until `resume()` (the item in hand goes on). */
  pause(): void;
  resume(): void;
  /** Stop the item in hand (its handler's signal) and take no more; resolves once it ended. */
  close(): Promise<void>;
}

export interface ItemQueue {
  readonly kind: 'embedded' | 'redis';
  /** Resolves once events can be received (Redis connected). */
  ready(): Promise<void>;
  /** Adds the items not already there (by item id). */
  add(specs: JobSpec[]): Promise<void>;
  lookup(itemId: string): Promise<Lookup>;
  /** Drops items that failed for good, so `add` takes them afresh (`--retry-failed`). */
  forgetFailed(itemIds: string[]): Promise<void>;
  subscribe(listener: (event: ItemEvent) => void): () => void;
  /**
   * A worker for one server. `slots` items at most at a time: 1 runs, the 2nd waits in the
   * server's own queue so the GPU never idles between items. The embedded queue gives a worker
   * its 2nd item only while more items wait than workers are idle (work stealing near the end).
   */
  worker(name: string, handler: ItemHandler, slots?: number): QueueWorker;
  close(): Promise<void>;
}

/** How many times an item may fail on its own account before it is recorded as failed. */
export const DEFAULT_ITEM_ATTEMPTS = 3;
