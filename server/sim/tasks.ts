/**
 * The task records of the simulated server (contract §5.5, §6.1): a DB-like table of every task plus
 * the in-memory "running" view, and the `/tasks` listing with its paging, date range and delete.
 */
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { PyFloat } from './pyjson.ts';
import type { PreparedTask } from './prepare.ts';

export type TaskState = 'pending' | 'picked' | 'running' | 'done';

export interface ProgressEvent {
  progress: number;
  message: string;
  /** Raw base64 PNG (no data: prefix) or null. */
  preview: string | null;
}

export interface TaskEntry {
  rowId: number;
  taskId: string;
  prepared: PreparedTask;
  webhookUrl: string;
  inQueueMills: number;
  startMills: number | null;
  finishMills: number | null;
  state: TaskState;
  status: 'finished' | 'stop' | null;
  progress: number;
  preview: string | null;
  result: string[];
  /** Absolute paths of the output files, for `/tasks?action=delete`. */
  files: string[];
  control: { stop: boolean; skip: boolean };
  /** 'progress' (ProgressEvent) and 'done' (no payload). */
  events: EventEmitter;
  /** Test fault: finish with an empty result whatever the request. */
  forceEmpty: boolean;
}

/** What SQLite holds: nulls until the task is done, progress read back as a float. */
export function dbRecord(e: TaskEntry): Record<string, unknown> {
  const done = e.state === 'done';
  return {
    id: e.rowId,
    task_id: e.taskId,
    req_params: e.prepared.reqParams,
    in_queue_mills: e.inQueueMills,
    start_mills: done ? e.startMills : null,
    finish_mills: done ? e.finishMills : null,
    task_status: done ? e.status : null,
    progress: done ? new PyFloat(100) : null,
    webhook_url: e.webhookUrl,
    result: done ? e.result : null,
  };
}

/** The reply of a synchronous generate: the finished record with an int progress. */
export function finalRecord(e: TaskEntry): Record<string, unknown> {
  return { ...dbRecord(e), progress: 100 };
}

export function runningRecord(e: TaskEntry): Record<string, unknown> {
  return {
    id: -1,
    task_id: e.taskId,
    req_params: e.prepared.reqParams,
    in_queue_mills: e.inQueueMills,
    start_mills: e.startMills,
    finish_mills: -1,
    task_status: 'running',
    progress: e.progress,
    preview: e.preview,
    webhook_url: e.webhookUrl,
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
  action: string | null;
}

export class TaskStore {
  private readonly entries = new Map<string, TaskEntry>();
  private nextRowId = 1;

  allocateRowId(): number {
    return this.nextRowId++;
  }

  add(entry: TaskEntry): void {
    this.entries.set(entry.taskId, entry);
  }

  get(taskId: string): TaskEntry | undefined {
    return this.entries.get(taskId);
  }

  current(): TaskEntry | undefined {
    return [...this.entries.values()].find((e) => e.state === 'running');
  }

  /** GET /tasks/{id}: the running view, else the DB record, else `[]`. */
  recordFor(taskId: string): unknown {
    const e = this.entries.get(taskId);
    if (!e) return [];
    return e.state === 'running' ? runningRecord(e) : dbRecord(e);
  }

  list(q: TaskQuery): { history: unknown[]; current: unknown[]; pending: unknown[] } {
    const newestFirst = [...this.entries.values()].sort((a, b) => b.rowId - a.rowId);
    const page = <T>(items: T[]) => items.slice(q.page * q.pageSize, q.page * q.pageSize + q.pageSize);
    const ranged = q.startAt !== null && q.startAt < q.endAt;
    const notPending = newestFirst.filter((e) => e.state !== 'pending');
    const history = ranged
      ? notPending.filter((e) => e.inQueueMills >= q.startAt! && e.inQueueMills <= q.endAt)
      : page(notPending);
    const pending = page(newestFirst.filter((e) => e.state === 'pending'));
    const running = this.current();
    const want = (name: string) => q.query === 'all' || q.query === name;
    return {
      history: want('history') ? history.map(dbRecord) : [],
      current: want('current') && running ? [runningRecord(running)] : [],
      pending: want('pending') ? pending.map(dbRecord) : [],
    };
  }

  /** `action=delete`: finished records in the range go, with their output files; inputs stay. */
  async deleteRange(startAt: number, endAt: number): Promise<void> {
    for (const e of [...this.entries.values()]) {
      if (e.state !== 'done' || e.inQueueMills < startAt || e.inQueueMills > endAt) continue;
      this.entries.delete(e.taskId);
      await Promise.all(e.files.map((f) => rm(f, { force: true })));
    }
  }
}
