/**
 * Looking through the server's task lists (contract §6.1): finding the task a lost submit reply
 * may have queued, and counting the tasks queued ahead of ours. `/tasks` pages newest first; the
 * running task is in `current` (and in `history` as a row with nulls), queued ones in `pending`.
 */
import { rowMatchesRequest } from './request-match.ts';
import type { FooocusRequest } from '../contract/index.ts';
import type { TaskList, TaskRecord } from './schemas.ts';

export type ListTasks = (query: {
  query: 'all' | 'history' | 'current' | 'pending';
  page?: number;
  pageSize?: number;
}) => Promise<TaskList>;

const PAGE = 50;
/** A bound on pages read per list: 1000 rows is far more than one server's recent past. */
const MAX_PAGES = 20;

export interface SearchOptions {
  /** Client time just before the POST. */
  submittedAt: number;
  /** Rows queued this long before `submittedAt` are still considered (client and server clocks differ); default 10 min. */
  slackMs?: number | undefined;
}

/**
 * The row of a task queued for `request`, or null when the server certainly has none: current,
 * every pending page, and history back to `submittedAt - slack`.
 */
export async function findSubmittedTask(
  listTasks: ListTasks,
  request: FooocusRequest,
  opts: SearchOptions,
): Promise<TaskRecord | null> {
  const since = opts.submittedAt - (opts.slackMs ?? 600_000);
  const recent = (row: TaskRecord) => (row.in_queue_mills ?? Infinity) >= since;
  const mine = (row: TaskRecord) => rowMatchesRequest(row, request) && recent(row);

  const current = (await listTasks({ query: 'current' })).current.find(mine);
  if (current) return current;
  for (const which of ['pending', 'history'] as const) {
    for (let page = 0; page < MAX_PAGES; page++) {
      const list = await listTasks({ query: which, page, pageSize: PAGE });
      const rows = list[which];
      const found = rows.find(mine);
      if (found) return found;
      // History is newest first: once a page reaches before the window, older pages cannot match.
      const reachedOlder = which === 'history' && rows.some((r) => !recent(r));
      if (rows.length < PAGE || reachedOlder) break;
    }
  }
  return null;
}

export interface QueueState {
  /** Our task is in the pending list. */
  queued: boolean;
  /** Tasks that run before ours: pending rows queued earlier, plus the running one when not ours. */
  ahead: number;
  /** Nothing pending and nothing running on the server at all. */
  idle: boolean;
}

/** Where our task stands in the server's queue (one pass over pending, one look at current). */
export async function queueState(listTasks: ListTasks, taskId: string): Promise<QueueState> {
  const pending: TaskRecord[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = (await listTasks({ query: 'pending', page, pageSize: PAGE })).pending;
    pending.push(...rows);
    if (rows.length < PAGE) break;
  }
  const running = (await listTasks({ query: 'current' })).current;
  const others = running.filter((r) => r.task_id !== taskId).length;
  const ours = pending.find((r) => r.task_id === taskId);
  const idle = pending.length === 0 && running.length === 0;
  if (!ours) return { queued: false, ahead: others, idle };
  const before = (r: TaskRecord) =>
    r.task_id !== taskId &&
    (r.id !== undefined && ours.id !== undefined && r.id > 0 && ours.id > 0
      ? r.id < ours.id
      : (r.in_queue_mills ?? 0) < (ours.in_queue_mills ?? 0));
  return { queued: true, ahead: pending.filter(before).length + others, idle };
}
