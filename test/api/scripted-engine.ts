/**
 * A FooocusAPI stand-in whose task table the test drives by hand: it moves a task from queued to
 * running to finished only when the test says so, and injects one fault at a time (a reply lost
 * after queueing, a connection dropped before it, failing reads). No timers: every state change is
 * an explicit call, so tests wait for states, never for time.
 */
import type { ServerResponse } from 'node:http';
import { sendJson, startFakeServer, type FakeServer, type SeenRequest } from './fake-server.ts';
import { asyncStub } from '../../server/sim/tasks.ts';

export interface ScriptedTask {
  id: number;
  task_id: string;
  req_params: Record<string, unknown>;
  in_queue_mills: number;
  task_status: null | 'running' | 'finished' | 'stop';
  progress: number;
  result: string[];
  /** Left behind by a restart: the row stays (null) but the queue no longer has it. */
  orphaned?: boolean;
}

export type ScriptedFault =
  /** Queue the task, then drop the connection: the client never sees the task id. */
  | 'lose-submit-reply'
  /** Drop the connection before anything is queued. */
  | 'drop-submit'
  /** Drop the connection of the next GET (any route). */
  | 'drop-get'
  /** Answer the next GET with a 502. */
  | 'bad-gateway-get';

export interface ScriptedEngine {
  url: string;
  server: FakeServer;
  tasks: ScriptedTask[];
  /** Faults still to fire, in order, each once. */
  faults: ScriptedFault[];
  /** Every request seen; `posts()` the generate requests. */
  posts(): SeenRequest[];
  stops(): SeenRequest[];
  /** Resolves when a request matching `test` arrives (or already has). */
  waitFor(test: (r: SeenRequest) => boolean): Promise<void>;
  start(taskId: string, progress?: number): void;
  finish(taskId: string, images?: number): void;
  /** Add a task queued by someone else. */
  queueOther(prompt: string): ScriptedTask;
  /** Answer GETs for unknown ids with `[]` (true) or as a restart that forgot everything. */
  forgetAll(): void;
  close(): Promise<void>;
}

let counter = 0;
const hex = () => (++counter).toString(16).padStart(32, '0');

export async function startScriptedEngine(): Promise<ScriptedEngine> {
  const tasks: ScriptedTask[] = [];
  const faults: ScriptedFault[] = [];
  const waiters: { test: (r: SeenRequest) => boolean; resolve: () => void }[] = [];
  let nextRow = 1;

  const takeFault = (kinds: ScriptedFault[]) => {
    const i = faults.findIndex((f) => kinds.includes(f));
    return i < 0 ? undefined : faults.splice(i, 1)[0];
  };
  const drop = (res: ServerResponse): void => void res.socket?.destroy();

  const queue = (req_params: Record<string, unknown>): ScriptedTask => {
    const t: ScriptedTask = {
      id: nextRow++,
      task_id: hex(),
      // Like the real server: numbers declared float come back as floats, sizes with ×.
      req_params: {
        ...req_params,
        aspect_ratios_selection: String(req_params['aspect_ratios_selection'] ?? '1152*896').replace(
          '*',
          '×',
        ),
      },
      in_queue_mills: Date.now(),
      task_status: null,
      progress: 0,
      result: [],
    };
    tasks.push(t);
    return t;
  };

  const record = (t: ScriptedTask) =>
    t.task_status === 'running'
      ? { ...t, id: -1, finish_mills: -1, preview: null, result: [] }
      : {
          ...t,
          start_mills: null,
          finish_mills: null,
          progress: t.task_status ? 100 : null,
          result: t.task_status ? t.result : null,
        };

  const server = await startFakeServer((req, res) => {
    for (const w of waiters.splice(0)) {
      if (w.test(req)) w.resolve();
      else waiters.push(w);
    }
    const url = new URL(req.url, 'http://x');
    if (req.method === 'POST' && url.pathname === '/v1/engine/generate/') {
      const fault = takeFault(['lose-submit-reply', 'drop-submit']);
      if (fault === 'drop-submit') return drop(res);
      const body = JSON.parse(req.body) as Record<string, unknown>;
      const t = queue(body);
      if (fault === 'lose-submit-reply') return drop(res);
      return sendJson(res, 200, asyncStub(t.task_id));
    }
    if (req.method === 'POST' && url.pathname === '/v1/engine/control') {
      const running = tasks.find((t) => t.task_status === 'running');
      if (!running) return sendJson(res, 200, { message: 'No task running' });
      running.task_status = 'stop';
      return sendJson(res, 200, { message: 'task stoped' });
    }
    const fault = takeFault(['drop-get', 'bad-gateway-get']);
    if (fault === 'drop-get') return drop(res);
    if (fault === 'bad-gateway-get') return sendJson(res, 502, { detail: 'bad gateway' });
    if (url.pathname === '/tasks') {
      const page = Number(url.searchParams.get('page') ?? 0);
      const size = Number(url.searchParams.get('page_size') ?? 10);
      const q = url.searchParams.get('query') ?? 'all';
      const newest = [...tasks].sort((a, b) => b.id - a.id);
      const slice = (xs: ScriptedTask[]) => xs.slice(page * size, page * size + size).map(record);
      const running = tasks.filter((t) => t.task_status === 'running');
      return sendJson(res, 200, {
        history: q === 'all' || q === 'history' ? slice(newest.filter((t) => t.task_status !== null)) : [],
        current: q === 'all' || q === 'current' ? running.map(record) : [],
        pending:
          q === 'all' || q === 'pending'
            ? slice(newest.filter((t) => t.task_status === null && !t.orphaned))
            : [],
      });
    }
    if (url.pathname.startsWith('/tasks/')) {
      const t = tasks.find((x) => x.task_id === url.pathname.slice('/tasks/'.length));
      return sendJson(res, 200, t ? record(t) : []);
    }
    if (url.pathname.startsWith('/outputs/')) {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      return;
    }
    res.writeHead(404).end();
  });

  const find = (taskId: string) => {
    const t = tasks.find((x) => x.task_id === taskId);
    if (!t) throw new Error(`no task ${taskId}`);
    return t;
  };

  return {
    url: server.url,
    server,
    tasks,
    faults,
    posts: () => server.seen.filter((r) => r.method === 'POST' && r.url.startsWith('/v1/engine/generate')),
    stops: () => server.seen.filter((r) => r.url.startsWith('/v1/engine/control')),
    waitFor: (test) =>
      server.seen.some(test)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ test, resolve })),
    start(taskId, progress = 10) {
      const t = find(taskId);
      t.task_status = 'running';
      t.progress = progress;
    },
    finish(taskId, images = 1) {
      const t = find(taskId);
      t.task_status = 'finished';
      t.result = Array.from(
        { length: images },
        (_, i) => `${server.url}/outputs/2026-12-02/${t.task_id}-${i}.png`,
      );
    },
    queueOther: (prompt) => queue({ prompt, image_seed: 1 }),
    forgetAll: () => void tasks.splice(0),
    close: () => server.close(),
  };
}
