/**
 * The in-memory side of the simulated server (FooocusAPI's `AsyncTask` list and `CurrentTask`), and
 * the records it answers with (contract §5.5, §6.1; runtime doc §1): a task's worker updates queue up
 * in `yields` until a drainer reads them; `CurrentTask` is one global that drainers overwrite.
 */
import { EventEmitter } from 'node:events';
import type { HistoryDb, HistoryRow } from './history.ts';
import type { SavedOutput } from './outputs.ts';
import type { PreparedTask } from './prepare.ts';
import { PyFloat } from './pyjson.ts';

/** What the worker appends to a task's `yields` (Fooocus's `['preview', …]`, `['results', …]`, `['finish', …]`). */
export type WorkerUpdate =
  | { flag: 'preview'; progress: number; message: string; preview: string | null }
  | { flag: 'results' }
  | { flag: 'finish' };

export type PreviewUpdate = Extract<WorkerUpdate, { flag: 'preview' }>;

export interface TaskEntry {
  taskId: string;
  prepared: PreparedTask;
  webhookUrl: string;
  inQueueMills: number;
  /** queued: in the worker's queue; working: being played; worked: the worker is done with it. */
  state: 'queued' | 'working' | 'worked';
  yields: WorkerUpdate[];
  /** Emits 'yield' whenever the worker appends to `yields`. */
  events: EventEmitter;
  /** Files the worker wrote, in order (renamed by post_worker for `save_name`). */
  outputs: SavedOutput[];
  /** Fooocus's `last_stop`; read by post_worker for the final status. */
  control: { stop: boolean; skip: boolean };
  /** Test fault: finish with an empty result whatever the request. */
  forceEmpty: boolean;
}

/** `CurrentTask.ct` (the running record) together with `CurrentTask.task`. */
export interface CurrentRecord {
  entry: TaskEntry;
  startMills: number;
  /** 0.0 (a pydantic float) until the first preview is written, then the worker's int. */
  progress: number | PyFloat;
  preview: string | null;
}

export class CurrentTask {
  ct: CurrentRecord | null = null;
}

export function dbRecord(row: HistoryRow): Record<string, unknown> {
  return { ...row };
}

/** The sync reply and webhook body: post_worker's `str(query)`, progress still the int 100. */
export function finalRecord(row: HistoryRow): Record<string, unknown> {
  return { ...row, progress: 100 };
}

export function runningRecord(c: CurrentRecord): Record<string, unknown> {
  return {
    id: -1,
    task_id: c.entry.taskId,
    req_params: c.entry.prepared.reqParams,
    in_queue_mills: c.entry.inQueueMills,
    start_mills: c.startMills,
    finish_mills: -1,
    task_status: 'running',
    progress: c.progress,
    preview: c.preview,
    webhook_url: '',
    result: [],
  };
}

export function asyncStub(taskId: string): Record<string, unknown> {
  return {
    id: -1,
    task_id: taskId,
    req_params: {},
    in_queue_mills: -1,
    start_mills: -1,
    finish_mills: -1,
    task_status: 'pending',
    progress: -1,
    preview: '',
    webhook_url: '',
    result: [],
  };
}

export interface TaskQuery {
  query: string;
  page: number;
  pageSize: number;
  /** Epoch ms, or null when missing or not matching the ISO pattern. */
  startAt: number | null;
  endAt: number;
}

/** Thrown where FooocusAPI raises (e.g. ZeroDivisionError for page_size=0): the bare 500. */
export class ServerBug extends Error {}

/** Python's `list[start:end]`. */
function pySlice<T>(items: T[], start: number, end: number): T[] {
  const at = (i: number) => (i < 0 ? Math.max(0, items.length + i) : Math.min(i, items.length));
  return items.slice(at(start), Math.max(at(start), at(end)));
}

/** SQLite `LIMIT n OFFSET m`: a negative offset counts as 0, a negative limit as no limit. */
function sqlPage<T>(items: T[], limit: number, offset: number): T[] {
  const from = Math.max(0, offset);
  return limit < 0 ? items.slice(from) : items.slice(from, from + limit);
}

/** `GET /tasks/{id}`: the running record if the id is current, else the DB row, else `[]`. */
export function taskRecord(current: CurrentTask, history: HistoryDb, taskId: string): unknown {
  if (current.ct && current.ct.entry.taskId === taskId) return runningRecord(current.ct);
  const row = history.get(taskId);
  return row ? dbRecord(row) : [];
}

/** `GET /tasks` (routes/query.py `get_tasks`). `queuedIds`: tasks the worker has not picked yet. */
export function listTasks(
  q: TaskQuery,
  current: CurrentTask,
  history: HistoryDb,
  queuedIds: ReadonlySet<string>,
): { history: unknown[]; current: unknown[]; pending: unknown[] } {
  const want = (name: string) => q.query === 'all' || q.query === name;
  const rows = history.all();
  let done: HistoryRow[] = [];
  if (want('history')) {
    const notQueued = rows.filter((r) => !queuedIds.has(r.task_id));
    done =
      q.startAt !== null
        ? notQueued.filter((r) => r.in_queue_mills >= q.startAt! && r.in_queue_mills <= q.endAt)
        : sqlPage([...notQueued].reverse(), q.pageSize, q.page * q.pageSize);
  }
  let pending: HistoryRow[] = [];
  if (want('pending')) {
    pending = rows.filter((r) => queuedIds.has(r.task_id));
    if (q.pageSize === 0) throw new ServerBug('division by zero');
    const n = pending.length;
    const maxPage = n % q.pageSize === 0 ? n / q.pageSize : Math.floor(n / q.pageSize) + 1;
    pending = q.page > maxPage ? [] : pySlice(pending, q.page * q.pageSize, (q.page + 1) * q.pageSize);
  }
  return {
    history: done.map(dbRecord),
    current: want('current') && current.ct ? [runningRecord(current.ct)] : [],
    pending: pending.map(dbRecord),
  };
}
