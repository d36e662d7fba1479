/** The shapes of a tracked run (api/tracked-run.ts): what it needs from the client, what it reports, how it ends. */
import type { FooocusRequest } from '../contract/index.ts';
import type { BackoffOptions } from './backoff.ts';
import type { FooocusApiError } from './errors.ts';
import type { ProgressEvent } from './progress.ts';
import type { ExpectedImages, ResultImage } from './results.ts';
import type { RunJournal, RunJournalEntry } from './run-journal.ts';
import type { TaskList, TaskRecord } from './schemas.ts';

type Opts = { signal?: AbortSignal | undefined; timeoutMs?: number | undefined };

/** What the run needs from the client (`createFooocusClient` provides all of it). */
export interface TrackedRunClient {
  baseUrl: string;
  submit(request: FooocusRequest, opts?: Opts): Promise<string>;
  getTask(taskId: string, opts?: Opts): Promise<TaskRecord | null>;
  listTasks(
    query: { query?: 'all' | 'history' | 'current' | 'pending'; page?: number; pageSize?: number },
    opts?: Opts,
  ): Promise<TaskList>;
  stop(opts?: Opts): Promise<string>;
  imageUrl(url: string): string;
  /**
   * The server's start-up stamp (api/server-boot.ts), null when it publishes none. Optional: a
   * client without it still runs; a restart is then inferred from slower evidence.
   */
  bootStamp?: ((opts?: Opts) => Promise<string | null>) | undefined;
}

export type TrackedPhase = 'submitting' | 'searching' | 'queued' | 'running' | 'stopping' | 'reconnecting';

export interface TrackedProgress extends ProgressEvent {
  phase: TrackedPhase;
  taskId?: string | undefined;
  /** Queued: tasks that run before ours. */
  ahead?: number | undefined;
  /** Reconnecting: how long the server has been silent. */
  silentMs?: number | undefined;
}

export interface TrackedRunOptions {
  /** Where the run is recorded before anything is sent. */
  journal: RunJournal;
  /** The caller's id for the run (the editor's key); default a random one. */
  runId?: string | undefined;
  onProgress?: ((event: TrackedProgress) => void) | undefined;
  /** Told the task id as soon as the server accepted (or the search found) the task. */
  onTaskId?: ((taskId: string) => void) | undefined;
  /** Detach: stop following; the task keeps running on the server and the journal keeps it. */
  signal?: AbortSignal | undefined;
  expectedImages?: ExpectedImages | undefined;
  /** Pause between polls; default 250 ms (the server reads worker updates every 0.2 s). */
  intervalMs?: number | undefined;
  /** Limit of one read (poll, list); default 10 s. A stalled read counts as no answer and is retried. */
  readTimeoutMs?: number | undefined;
  /** No answer at all for this long → "server gone"; default 120 s. */
  goneAfterMs?: number | undefined;
  backoff?: BackoffOptions | undefined;
  /** After the first stop is sent, how long to wait for the record to say "stop"; default 20 s. */
  stopConfirmMs?: number | undefined;
  /** Between the two searches that must both miss before sending again; default 3 s. */
  searchGraceMs?: number | undefined;
  /** Clock skew allowed when matching `in_queue_mills`; default 10 min. */
  searchSlackMs?: number | undefined;
  /** How often the queue position is read while queued; default 2 s. */
  queueCheckMs?: number | undefined;
  /**
   * A task neither queued, running nor finished on an idle server for this long was lost by a
   * restart; default 30 min: the real server hides a running task when another one finished
   * after it started (runtime doc §1), so without other evidence only a long spell counts.
   */
  lostAfterMs?: number | undefined;
  /**
   * The same when a restart is likely: the server was unreachable during the run, or our task was
   * running and vanished with no other task finishing since; default 60 s.
   */
  lostAfterOutageMs?: number | undefined;
  /** `[]` answers tolerated for this long before "the server does not know the task"; default 5 s. */
  unknownGraceMs?: number | undefined;
  /** Words for "how to resume" in messages, e.g. `fooocus-flow run --resume ./out`. */
  resumeHint?: string | undefined;
  now?: (() => number) | undefined;
}

interface Base {
  runId: string;
  /** The journal entry as last saved. */
  entry: RunJournalEntry;
}

export type TrackedRunOutcome = Base & TrackedRunEnd;

/** How a run ended, without the bookkeeping every outcome carries. */
export type TrackedRunEnd =
  | {
      kind: 'finished';
      taskId: string;
      record: TaskRecord;
      images: ResultImage[];
      /** e.g. `short-result`. */
      warnings: FooocusApiError[];
      receivedAt: number;
    }
  /** The server confirmed the stop; `images` are those finished before it (may be empty). */
  | { kind: 'stopped'; taskId: string; record: TaskRecord; images: ResultImage[] }
  /** No answer for `goneAfterMs`; the task (if any) may still finish. `error.kind` is 'server-gone'. */
  | { kind: 'server-gone'; taskId: string | undefined; error: FooocusApiError }
  /** Stop sent, not confirmed in time. `error.kind` is 'stop-unconfirmed'. */
  | { kind: 'stop-unconfirmed'; taskId: string; error: FooocusApiError }
  /** The caller's signal fired: the task goes on, the journal keeps it. */
  | { kind: 'detached'; taskId: string | undefined }
  /** Nothing to pick up: rejected (422/403/500), never sent, empty result, task unknown to the server. */
  | { kind: 'failed'; taskId: string | undefined; error: FooocusApiError };

export interface TrackedRun {
  readonly runId: string;
  /** The server's task id once known. */
  taskId(): string | undefined;
  /**
   * Ask to stop. The stop is sent only while our task is the running one (a queued task cannot be
   * removed on FooocusAPI: it is stopped as soon as it starts). Resolves at once; `done` tells the end.
   */
  stop(): void;
  readonly done: Promise<TrackedRunOutcome>;
}
