/**
 * Runs that never lose a result: the one way the editor and the CLI follow a FooocusAPI task.
 *
 * Why polling and not the stream: on the real server a stream is the ONLY thing that finalises its
 * task (fooocusapi-runtime.md §2). A stream cut by a dropped connection, by Ctrl+C, or by another
 * stream finishing first leaves the task's record "running"/null forever and its images unlisted,
 * and a stream cannot be attached to an existing task. `async_process: true` hands the task to the
 * server's own background coroutine, which records it whatever the client does. So:
 *
 * 1. The journal entry (request, `submittedAt`, state "submitting") is saved BEFORE the POST.
 * 2. The task id is saved as soon as the reply arrives.
 * 3. A lost reply (reset, timeout) is never answered by sending again blindly: the server's
 *    current/pending/history rows are searched for this request (fixed seed, prompt, scalar fields,
 *    `in_queue_mills` ≥ submittedAt − slack). Only when it is absent twice, a grace period apart,
 *    is it sent a second time. A refused connection (nothing was sent) or a 4xx/5xx reply (the
 *    server rejected it) ends the run at once.
 * 4. The task is followed by polling `GET /tasks/{id}`; every read is retried with backoff and the
 *    run only gives up when the server answered nothing for `goneAfterMs` ("server gone"), keeping
 *    the task id in the journal. While queued it says how many tasks are ahead and keeps waiting.
 * 5. `stop()` sends `POST /v1/engine/control?action=stop` only while the running task is ours, and
 *    waits (bounded) for the record to say "stop"; images finished before the stop are returned.
 * 6. A task neither queued, running nor finished may have been dropped by a restart: lost-task.ts
 *    weighs the evidence — proof (the server's start-up stamp changed since the task was accepted,
 *    kept in the journal so a resumed run has it too) ends the run at once as "lost-task"; weaker
 *    signs only after a long idle spell.
 *
 * `resumeTrackedRun(entry)` picks any journal entry up again: follows a known task, searches for
 * one whose reply was lost, or returns the final record already seen.
 */
import type { FooocusRequest } from '../contract/index.ts';
import { FooocusApiError, messages } from './errors.ts';
import { wasNeverSent } from './never-sent.ts';
import { createPatientReader, DetachedError, ServerSilentError } from './patient-reads.ts';
import { createLostTaskJudge } from './lost-task.ts';
import { isFinalRecord, progressFromRecord } from './progress.ts';
import { isRecognisable } from './request-match.ts';
import { checkImageCount, toResultImages } from './results.ts';
import { newRunId, randomSeed } from './run-ids.ts';
import type { RunJournalEntry } from './run-journal.ts';
import type { TaskRecord } from './schemas.ts';
import { findSubmittedTask, queueState } from './task-search.ts';
import type {
  TrackedProgress,
  TrackedRun,
  TrackedRunClient,
  TrackedRunEnd,
  TrackedRunOptions,
  TrackedRunOutcome,
} from './tracked-run-types.ts';

export type {
  TrackedProgress,
  TrackedRun,
  TrackedRunClient,
  TrackedRunOptions,
  TrackedRunOutcome,
} from './tracked-run-types.ts';

/** Submit `request` and follow it. A request with seed -1 gets a fixed random seed (see `randomSeed`). */
export function startTrackedRun(
  client: TrackedRunClient,
  request: FooocusRequest,
  opts: TrackedRunOptions,
): TrackedRun {
  const now = opts.now ?? Date.now;
  const fixed = isRecognisable(request) ? request : { ...request, image_seed: randomSeed() };
  const entry: RunJournalEntry = {
    version: 1,
    runId: opts.runId ?? newRunId(),
    baseUrl: client.baseUrl,
    state: 'submitting',
    request: fixed,
    submittedAt: now(),
    submits: 0,
    updatedAt: now(),
  };
  return drive(client, entry, opts, true);
}

/** Pick a journal entry up again (after a kill, "server gone", a detach). */
export function resumeTrackedRun(
  client: TrackedRunClient,
  entry: RunJournalEntry,
  opts: TrackedRunOptions,
): TrackedRun {
  return drive(client, structuredClone(entry), opts, false);
}

function drive(
  client: TrackedRunClient,
  entry: RunJournalEntry,
  opts: TrackedRunOptions,
  fresh: boolean,
): TrackedRun {
  const now = opts.now ?? Date.now;
  let stopRequested = false;
  const reader = createPatientReader({
    goneAfterMs: opts.goneAfterMs,
    backoff: opts.backoff,
    signal: opts.signal,
    now,
    onRetry: (silentMs) =>
      emit({
        phase: 'reconnecting',
        progress: 0,
        silentMs,
        message:
          silentMs < 1000
            ? 'The server did not answer; trying again ...'
            : `No answer from the server for ${Math.round(silentMs / 1000)} s; still trying ` +
              `(${entry.taskId ? `task ${entry.taskId} is safe on the server` : 'the request is recorded'}) ...`,
      }),
  });
  const read = { timeoutMs: opts.readTimeoutMs ?? 10_000 };
  let lastProgress = 0;
  let lastKey = '';

  function emit(e: TrackedProgress): void {
    // A reconnect message keeps the last percent rather than dropping the bar to 0.
    const event = e.phase === 'reconnecting' ? { ...e, progress: lastProgress } : e;
    if (e.phase !== 'reconnecting') lastProgress = e.progress;
    const key = `${event.phase}|${event.progress}|${event.message}|${event.preview?.length ?? 0}`;
    if (key === lastKey) return;
    lastKey = key;
    opts.onProgress?.({ ...event, taskId: entry.taskId });
  }

  async function save(patch: Partial<RunJournalEntry>): Promise<void> {
    Object.assign(entry, patch, { updatedAt: now() });
    await opts.journal.save(entry);
  }

  const outcome = (o: TrackedRunEnd): TrackedRunOutcome => ({
    ...o,
    runId: entry.runId,
    entry: structuredClone(entry),
  });

  async function fail(error: FooocusApiError): Promise<TrackedRunOutcome> {
    await save({ state: 'failed', note: error.message, failedKind: error.kind });
    return outcome({ kind: 'failed', taskId: entry.taskId, error });
  }

  /** POST once; the journal counts it before it leaves. */
  async function submitOnce(): Promise<'sent' | TrackedRunOutcome> {
    emit({ phase: 'submitting', progress: 0, message: 'Submitting to the server ...' });
    try {
      await save({ state: 'submitting', submits: entry.submits + 1, submittedAt: now() });
    } catch (e) {
      return outcome({
        kind: 'failed',
        taskId: undefined,
        error: new FooocusApiError({ kind: 'journal', ...messages.journal(String(e)), cause: e }),
      });
    }
    try {
      const taskId = await client.submit(entry.request, { signal: opts.signal });
      reader.heard();
      await save({ state: 'submitted', taskId, note: undefined });
      opts.onTaskId?.(taskId);
      return 'sent';
    } catch (e) {
      if (opts.signal?.aborted) throw new DetachedError();
      if (!(e instanceof FooocusApiError)) throw e;
      // A 502/503/504 comes from a proxy in front: the server behind it may have queued the task.
      const fromProxy = e.kind === 'server' && e.status !== undefined && e.status >= 502;
      // Otherwise the server answered with an error status: it did not queue anything.
      if (e.kind !== 'network' && e.kind !== 'timeout' && !fromProxy) return fail(e);
      if (wasNeverSent(e)) return fail(e);
      return 'sent'; // unknown: the caller searches before anything else
    }
  }

  /** Find the task a lost reply may have queued; send again only when it is absent twice. */
  async function locate(): Promise<'found' | TrackedRunOutcome> {
    for (;;) {
      if (entry.taskId) return 'found';
      if (entry.submits === 0) {
        const sent = await submitOnce();
        if (sent !== 'sent') return sent;
        continue;
      }
      emit({
        phase: 'searching',
        progress: 0,
        message: 'The submit reply was lost; looking for the task on the server ...',
      });
      const search = () =>
        reader.read(() =>
          findSubmittedTask((q) => client.listTasks(q, read), entry.request, {
            submittedAt: entry.submittedAt,
            slackMs: opts.searchSlackMs,
          }),
        );
      let row = await search();
      if (!row) {
        // A request still being read by the server is not listed yet: look once more, later.
        await reader.pause(opts.searchGraceMs ?? 3_000);
        row = await search();
      }
      if (row) {
        await save({ state: 'submitted', taskId: row.task_id, note: undefined });
        opts.onTaskId?.(row.task_id);
        return 'found';
      }
      // Certainly not there: the request never arrived. Send it (again).
      const sent = await submitOnce();
      if (sent !== 'sent') return sent;
    }
  }

  async function finish(record: TaskRecord): Promise<TrackedRunOutcome> {
    const taskId = record.task_id;
    const images = toResultImages(record.result ?? [], client.imageUrl);
    if (record.task_status === 'stop') {
      await save({ state: 'stopped', final: record, note: 'stopped on the server' });
      return outcome({ kind: 'stopped', taskId, record, images });
    }
    let warnings: FooocusApiError[];
    try {
      warnings = checkImageCount(images, opts.expectedImages, record);
    } catch (e) {
      if (e instanceof FooocusApiError) return fail(e);
      throw e;
    }
    await save({ state: 'finished', final: record, note: undefined });
    return outcome({ kind: 'finished', taskId, record, images, warnings, receivedAt: now() });
  }

  async function follow(taskId: string): Promise<TrackedRunOutcome> {
    const interval = opts.intervalMs ?? 250;
    const queueEvery = opts.queueCheckMs ?? 2_000;
    const stopConfirm = opts.stopConfirmMs ?? 20_000;
    let unknownSince: number | undefined;
    let queueCheckedAt = -Infinity;
    let stopSentAt: number | undefined;
    let stopFirstSentAt: number | undefined;
    /** Server clock: when our task started, from its running record. */
    let startMills: number | undefined;
    /** Server clock: when our task was queued, from its row. */
    let queuedMills: number | undefined;
    const lost = createLostTaskJudge({ resumed: !fresh, client, reader, read, entry, opts, now, save });
    await lost.noteBoot();
    for (;;) {
      const record = await reader.read(() => client.getTask(taskId, read));
      if (record === null) {
        // Right after submitting some servers have not stored the row yet: tolerate a short while.
        unknownSince ??= now();
        if (now() - unknownSince >= (opts.unknownGraceMs ?? 5_000)) {
          return fail(new FooocusApiError({ kind: 'unknown-task', ...messages.unknownTaskLost(taskId) }));
        }
      } else {
        unknownSince = undefined;
        if (isFinalRecord(record)) return finish(record);
        if (typeof record.in_queue_mills === 'number' && record.in_queue_mills > 0) {
          queuedMills = record.in_queue_mills;
        }
        const running = record.task_status === 'running';
        if (running) {
          lost.sawRunning();
          if (typeof record.start_mills === 'number' && record.start_mills > 0)
            startMills = record.start_mills;
        }
        if (stopRequested && running) {
          if (stopSentAt === undefined || now() - stopSentAt >= 2_000) {
            // Only when ours is THE running task: the API has no "stop task X".
            const current = await reader.read(() => client.listTasks({ query: 'current' }, read));
            if (current.current[0]?.task_id === taskId) {
              await reader.read(() => client.stop(read));
              stopSentAt = now();
              stopFirstSentAt ??= stopSentAt;
            }
          }
          if (stopFirstSentAt !== undefined && now() - stopFirstSentAt >= stopConfirm) {
            return outcome({
              kind: 'stop-unconfirmed',
              taskId,
              error: new FooocusApiError({
                kind: 'stop-unconfirmed',
                ...messages.stopUnconfirmed(taskId, Math.round(stopConfirm / 1000), opts.resumeHint),
              }),
            });
          }
          const p = progressFromRecord(record);
          emit({ ...p, phase: 'stopping', message: `Stopping ... (${Math.round(p.progress)}% done)` });
        } else if (running) {
          emit({ ...progressFromRecord(record), phase: 'running' });
        } else {
          if (now() - queueCheckedAt >= queueEvery) {
            queueCheckedAt = now();
            const q = await reader.read(() => queueState((x) => client.listTasks(x, read), taskId));
            // Neither queued, running nor finished: lost by a restart? (lost-task.ts weighs the evidence.)
            const verdict = await lost.judge(taskId, q, startMills ?? queuedMills);
            if (verdict.kind === 'final') return finish(verdict.record);
            if (verdict.kind === 'lost') {
              // The journal stays "submitted" with its task id: if the judgement was wrong, resuming
              // still finds the task; the caller (the batch) may send the request again.
              await save({ note: verdict.error.message, failedKind: 'lost-task' });
              return outcome({ kind: 'failed', taskId, error: verdict.error });
            }
            const waiting = !q.queued
              ? 'waiting: the server is starting the task ...'
              : q.ahead === 0
                ? 'waiting: next in the queue'
                : `waiting: ${q.ahead} task${q.ahead === 1 ? '' : 's'} ahead`;
            emit({
              phase: 'queued',
              progress: 0,
              ahead: q.ahead,
              message: stopRequested
                ? `${waiting}; FooocusAPI cannot remove a queued task, it will be stopped as soon as it starts`
                : waiting,
            });
          }
        }
      }
      await reader.pause(interval);
    }
  }

  async function main(): Promise<TrackedRunOutcome> {
    try {
      if (entry.state === 'failed') {
        return outcome({
          kind: 'failed',
          taskId: entry.taskId,
          error: new FooocusApiError({
            kind: entry.failedKind ?? 'unknown-task',
            message: entry.note ?? 'The run had failed.',
          }),
        });
      }
      if ((entry.state === 'finished' || entry.state === 'stopped') && entry.final)
        return finish(entry.final);
      if (fresh) {
        try {
          await opts.journal.save(entry);
        } catch (e) {
          return outcome({
            kind: 'failed',
            taskId: undefined,
            error: new FooocusApiError({ kind: 'journal', ...messages.journal(String(e)), cause: e }),
          });
        }
      }
      const located = await locate();
      if (located !== 'found') return located;
      return await follow(entry.taskId!);
    } catch (e) {
      if (e instanceof DetachedError) return outcome({ kind: 'detached', taskId: entry.taskId });
      if (e instanceof ServerSilentError) {
        const error = new FooocusApiError({
          kind: 'server-gone',
          ...messages.serverGone(
            client.baseUrl,
            Math.round(e.silentMs / 1000),
            entry.taskId,
            opts.resumeHint,
          ),
          cause: e.lastError,
        });
        await opts.journal.save({ ...entry, note: error.message, updatedAt: now() }).catch(() => undefined);
        return outcome({ kind: 'server-gone', taskId: entry.taskId, error });
      }
      if (e instanceof FooocusApiError) return fail(e);
      throw e;
    }
  }

  const done = main();
  return {
    runId: entry.runId,
    taskId: () => entry.taskId,
    stop: () => {
      stopRequested = true;
    },
    done,
  };
}
