/**
 * The task history table, standing in for FooocusAPI's `outputs/db.sqlite3`: a row per task,
 * inserted with nulls when the task is queued and finalised only by the coroutine that drains the
 * task (runtime doc §1). It is written to `<dataDir>/history.json` on every change, so it survives
 * a crash and restart of the engine the way SQLite does; `req_params` floats stay floats.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpPyJson, parsePyJson, PyFloat } from './pyjson.ts';

export interface HistoryRow {
  id: number;
  task_id: string;
  req_params: Record<string, unknown>;
  in_queue_mills: number;
  start_mills: number | null;
  finish_mills: number | null;
  task_status: 'finished' | 'stop' | 'skip' | null;
  /** 100.0 once finalised (a Float column read back). */
  progress: PyFloat | null;
  webhook_url: string;
  result: string[] | null;
}

export type NewRow = Pick<HistoryRow, 'task_id' | 'req_params' | 'in_queue_mills' | 'webhook_url'>;
export type Finalised = Pick<HistoryRow, 'start_mills' | 'finish_mills' | 'task_status' | 'result'>;

const FILE_NAME = 'history.json';

export class HistoryDb {
  private rows: HistoryRow[] = [];
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, FILE_NAME);
    let text: string | null = null;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      // no history yet
    }
    if (text) this.rows = parsePyJson(text, { floats: true }) as HistoryRow[];
  }

  private save(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, dumpPyJson(this.rows));
    renameSync(tmp, this.path);
  }

  insert(row: NewRow): HistoryRow {
    const full: HistoryRow = {
      id: (this.rows.at(-1)?.id ?? 0) + 1,
      task_id: row.task_id,
      req_params: row.req_params,
      in_queue_mills: row.in_queue_mills,
      start_mills: null,
      finish_mills: null,
      task_status: null,
      progress: null,
      webhook_url: row.webhook_url,
      result: null,
    };
    this.rows.push(full);
    this.save();
    return full;
  }

  get(taskId: string): HistoryRow | undefined {
    return this.rows.find((r) => r.task_id === taskId);
  }

  /** post_worker's update; undefined when the row is gone (deleted meanwhile). */
  finalise(taskId: string, done: Finalised): HistoryRow | undefined {
    const row = this.get(taskId);
    if (!row) return undefined;
    Object.assign(row, done, { progress: new PyFloat(100) });
    this.save();
    return row;
  }

  /** Oldest first, like SQLite without ORDER BY. */
  all(): readonly HistoryRow[] {
    return this.rows;
  }

  /** Removes the rows queued in [startAt, endAt] and returns them. */
  deleteRange(startAt: number, endAt: number): HistoryRow[] {
    const gone = this.rows.filter((r) => r.in_queue_mills >= startAt && r.in_queue_mills <= endAt);
    if (gone.length === 0) return [];
    this.rows = this.rows.filter((r) => !gone.includes(r));
    this.save();
    return gone;
  }
}
