/**
 * The durable record of one run, written before anything is sent, so a client that is killed,
 * loses its connection or loses the submit reply can always find its task again
 * (fooocusapi-runtime.md "What follows for a client"). The storage is pluggable: the CLI keeps one
 * file in the output folder (written atomically), the editor keeps IndexedDB rows.
 */
import type { FooocusRequest } from '../contract/index.ts';
import type { FooocusApiErrorKind } from './errors.ts';
import type { TaskRecord } from './schemas.ts';

/**
 * - `submitting`: written just BEFORE the POST. No task id yet: the reply may still come, or be lost
 *   after the server queued the task, so resuming searches the server before submitting again.
 * - `submitted`: the task id is known; following it is always safe.
 * - `finished` / `stopped`: the final record is in `final` (results may still need downloading).
 * - `failed`: nothing to pick up (the request was rejected, or the task finished without images).
 */
export type RunJournalState = 'submitting' | 'submitted' | 'finished' | 'stopped' | 'failed';

export interface RunJournalEntry {
  /** Format marker, so a future version can read (or refuse) old entries. */
  version: 1;
  /** The client's own id of the run (the editor's IndexedDB key); not the server's task id. */
  runId: string;
  /** The server the task was sent to (normalised, as given to the client). */
  baseUrl: string;
  state: RunJournalState;
  /** The exact request sent (its seed fixed, so the task can be recognised among others). */
  request: FooocusRequest;
  /** Client clock just before the POST. */
  submittedAt: number;
  /** How many POSTs this run has made: never more than one task per run (see tracked-run.ts). */
  submits: number;
  taskId?: string | undefined;
  /** The final task record once seen. */
  final?: TaskRecord | undefined;
  /** Plain words about the last state change ("server gone", "stopped") for whoever reads the entry. */
  note?: string | undefined;
  /**
   * With state "failed": what kind of failure. With "submitted" and 'lost-task': the task was judged
   * lost by a restart once; resuming judges again, quickly.
   */
  failedKind?: FooocusApiErrorKind | undefined;
  /**
   * The server's start-up stamp (api/server-boot.ts) read once the task was known to be on the
   * server. A different stamp later proves a restart since then: FooocusAPI forgot the task's place
   * in its queue, so a task not finished by then never will be.
   */
  bootStamp?: string | undefined;
  updatedAt: number;
}

/** Where entries are kept. `save` must be durable when it resolves (the run waits for it). */
export interface RunJournal {
  save(entry: RunJournalEntry): Promise<void>;
}

/** A journal in memory: for tests, and for callers that keep the entry themselves (via `onSave`). */
export function memoryJournal(onSave?: (entry: RunJournalEntry) => void): RunJournal & {
  entries: RunJournalEntry[];
  latest(): RunJournalEntry | undefined;
} {
  const entries: RunJournalEntry[] = [];
  return {
    entries,
    latest: () => entries.at(-1),
    save(entry) {
      // A copy: the run keeps mutating its own object.
      const copy = structuredClone(entry);
      entries.push(copy);
      onSave?.(copy);
      return Promise.resolve();
    },
  };
}
