/**
 * Deciding that a task the run follows is lost: neither queued, running nor finished, and never
 * going to be. FooocusAPI keeps its queue in memory (runtime doc §1): a restart drops every queued
 * and running task for good, leaving its history row null forever. But the same sight — our row
 * null, our task in neither `pending` nor `current` — is also what a healthy server shows for a
 * while: between the worker taking a task and its first update, and for a whole task when another
 * task's coroutine cleared `CurrentTask` under it. So the evidence decides how soon:
 *
 * 1. Proof: the server's start-up stamp (api/server-boot.ts) differs from the one read after the
 *    task was accepted, kept in the journal (`bootStamp`). The server restarted since, so the task
 *    can never run; its row is read once more (it may have been finalised just before the restart)
 *    and, still not final, the task is lost at once. The proof needs no memory of the process that
 *    saw the restart: a batch or CLI run resumed after its process was killed, on a server that
 *    restarted meanwhile and is busy with other work, finds it just the same.
 * 2. Without the stamp: the server must be idle (nothing queued or running) for `lostAfterOutageMs`
 *    when a restart is likely — this process saw the server unreachable, the task was judged lost
 *    before, or no other task finished since ours started (a `CurrentTask` flip needs one) — and
 *    for `lostAfterMs` (30 min) otherwise.
 */
import { FooocusApiError, messages } from './errors.ts';
import { isFinalRecord } from './progress.ts';
import type { PatientReader } from './patient-reads.ts';
import type { RunJournalEntry } from './run-journal.ts';
import type { TaskRecord } from './schemas.ts';
import type { QueueState } from './task-search.ts';
import type { TrackedRunClient, TrackedRunOptions } from './tracked-run-types.ts';

export interface LostTaskContext {
  /** The run picks up a journal entry: the process that saw what happened before is gone. */
  resumed: boolean;
  client: TrackedRunClient;
  reader: PatientReader;
  read: { timeoutMs: number };
  entry: RunJournalEntry;
  opts: TrackedRunOptions;
  now: () => number;
  save(patch: Partial<RunJournalEntry>): Promise<void>;
}

export type LostVerdict =
  | { kind: 'waiting' }
  /** The row turned final while we looked (finalised just before a restart). */
  | { kind: 'final'; record: TaskRecord }
  | { kind: 'lost'; error: FooocusApiError };

export interface LostTaskJudge {
  /** Keep the server's start-up stamp in the journal, once the task is known to be on the server. */
  noteBoot(): Promise<void>;
  /** Our task was seen running: a spell of absence starts again. */
  sawRunning(): void;
  /**
   * At a queue check while our task is neither running nor finished. `since`: server clock, when our
   * task started (or, not seen running, was queued).
   */
  judge(taskId: string, q: QueueState, since: number | undefined): Promise<LostVerdict>;
}

const WAITING: LostVerdict = { kind: 'waiting' };

export function createLostTaskJudge(c: LostTaskContext): LostTaskJudge {
  const { client, reader, read, entry, opts, now } = c;
  let idleSince: number | undefined;
  /** Queue checks in a row that found our task neither queued nor running. */
  let absent = 0;

  /** A stamp read that fails or is not offered is no evidence either way. */
  const stamp = async () => (client.bootStamp ? client.bootStamp(read).catch(() => null) : null);

  const anotherFinishedSince = async (taskId: string, since: number) => {
    const history = (await client.listTasks({ query: 'history', pageSize: 20 }, read)).history;
    return history.some((r) => r.task_id !== taskId && (r.finish_mills ?? 0) >= since);
  };

  async function restartProven(taskId: string): Promise<LostVerdict> {
    // Read after the stamp: a row finalised before the restart shows here.
    const again = await reader.read(() => client.getTask(taskId, read));
    if (again === null || again.task_status === 'running') return WAITING;
    if (isFinalRecord(again)) return { kind: 'final', record: again };
    return {
      kind: 'lost',
      error: new FooocusApiError({
        kind: 'lost-task',
        ...messages.restartedTask(client.baseUrl, taskId),
      }),
    };
  }

  return {
    async noteBoot() {
      if (entry.bootStamp !== undefined) return;
      const value = await stamp();
      // A journal that cannot take it only loses the fast proof; the run's own saves report the fault.
      if (value !== null) await c.save({ bootStamp: value }).catch(() => undefined);
    },
    sawRunning() {
      idleSince = undefined;
      absent = 0;
    },
    async judge(taskId, q, since) {
      if (q.queued) {
        idleSince = undefined;
        absent = 0;
        return WAITING;
      }
      absent++;
      // The stamp is not read at the first sight of a task being started (a normal moment, which a
      // stop waits on), only when a restart is possible: a resumed run, an outage, a second look.
      const worthAsking = c.resumed || reader.sawOutage() || absent >= 2;
      if (entry.bootStamp !== undefined && worthAsking) {
        const value = await stamp();
        if (value !== null && value !== entry.bootStamp) return restartProven(taskId);
      }
      // Not queued, not running, not done, on an idle server: only a long spell of this is taken
      // as proof, shorter when a restart is likely (see the top of this file).
      idleSince = q.idle ? (idleSince ?? now()) : undefined;
      if (idleSince === undefined) return WAITING;
      const suspicious =
        reader.sawOutage() ||
        entry.failedKind === 'lost-task' ||
        (since !== undefined && !(await reader.read(() => anotherFinishedSince(taskId, since))));
      const lostAfter = suspicious ? (opts.lostAfterOutageMs ?? 60_000) : (opts.lostAfterMs ?? 1_800_000);
      if (now() - idleSince < lostAfter) return WAITING;
      return {
        kind: 'lost',
        error: new FooocusApiError({
          kind: 'lost-task',
          ...messages.lostTask(
            client.baseUrl,
            taskId,
            Math.round((now() - idleSince) / 1000),
            opts.resumeHint,
          ),
        }),
      };
    },
  };
}
