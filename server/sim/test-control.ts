/**
 * Test-control routes under `/__sim/` — served ONLY when the engine is started with
 * `testControl: true` (env `SIM_TEST_CONTROL=1` for `npm start`), so browser tests can hold a run,
 * inject faults and crash-restart the engine. The path cannot clash with FooocusAPI's routes.
 *
 * POST /__sim/hold {step, taskId?} → {id}          GET /__sim/hold/{id}[?wait=1] → hold info
 * POST /__sim/release {id?} (no id: all holds)     POST /__sim/fault <SimFault> → {id}
 * POST /__sim/fault/{id}/release                   POST /__sim/restart → {boot} (then kill + start)
 * GET  /__sim/state
 */
import { z } from 'zod';
import type { FaultInfo, FaultQueue } from './faults.ts';
import type { HoldInfo, HoldRegistry } from './holds.ts';
import { readBody, sendJson, type Ctx } from './http.ts';

/** What `state()` and `GET /__sim/state` report. */
export interface SimEngineState {
  /** 1 for the first start, +1 per restart. */
  boot: number;
  /** False between kill() and restart(). */
  running: boolean;
  /** Tasks waiting for the worker, oldest first. */
  queued: string[];
  /** The task the worker is playing. */
  working: string | null;
  /** `CurrentTask.ct`: the task GET /tasks/{id} reports as running (not always the one working). */
  current: string | null;
  /** The current task has been asked to stop (POST /v1/engine/control?action=stop reached the engine). */
  stopAsked: boolean;
  /** Tasks whose drainer is alive (a dropped stream's task leaves this list at once). */
  draining: string[];
  /** Requests a `stall` is holding unanswered. */
  stalledRequests: number;
  holds: HoldInfo[];
  faults: FaultInfo[];
}

export interface TestControl {
  holds: HoldRegistry;
  faults: FaultQueue;
  restart(): Promise<void>;
  state(): SimEngineState;
}

export const TEST_CONTROL_PREFIX = '/__sim/';

export function isTestControlPath(path: string): boolean {
  return path.startsWith(TEST_CONTROL_PREFIX);
}

const holdSchema = z.object({ step: z.number().int().min(0), taskId: z.string().min(1).optional() });
const releaseSchema = z.object({ id: z.number().int().optional() });
const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('drop-before-reply'), path: z.string().startsWith('/').optional() }),
  z.object({ kind: z.literal('drop-poll') }),
  z.object({ kind: z.literal('drop-mid-stream'), events: z.number().int().min(1) }),
  z.object({ kind: z.literal('cut-stream-after'), events: z.number().int().min(1) }),
  z.object({ kind: z.literal('stall'), ms: z.number().min(0).optional() }),
  z.object({ kind: z.literal('http-500-next') }),
  z.object({ kind: z.literal('finish-empty-next') }),
  z.object({ kind: z.literal('delay-reply-ms'), ms: z.number().min(0) }),
  z.object({ kind: z.literal('clear') }),
]);

async function readJson<T>(ctx: Ctx, schema: z.ZodType<T>): Promise<T | null> {
  const text = (await readBody(ctx.req, 64 * 1024)).toString('utf8');
  let raw: unknown = {};
  try {
    if (text.trim()) raw = JSON.parse(text);
  } catch {
    sendJson(ctx, 400, { detail: 'body is not JSON' });
    return null;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    sendJson(ctx, 400, { detail: z.prettifyError(parsed.error) });
    return null;
  }
  return parsed.data;
}

export async function handleTestControl(ctx: Ctx, control: TestControl): Promise<void> {
  const path = ctx.url.pathname.slice(TEST_CONTROL_PREFIX.length);
  const method = ctx.req.method;
  const holdInfo = (id: number) => control.holds.info().find((h) => h.id === id);

  if (method === 'GET' && path === 'state') return sendJson(ctx, 200, control.state());
  if (method === 'POST' && path === 'hold') {
    const spec = await readJson(ctx, holdSchema);
    if (spec) sendJson(ctx, 200, { id: control.holds.add(spec).id });
    return;
  }
  const holdMatch = /^hold\/(\d+)$/.exec(path);
  if (method === 'GET' && holdMatch) {
    const hold = control.holds.get(Number(holdMatch[1]));
    if (!hold) return sendJson(ctx, 404, { detail: 'no such hold' });
    if (ctx.url.searchParams.get('wait') === '1') {
      const gone = new Promise<void>((resolve) => ctx.res.once('close', resolve));
      await Promise.race([hold.reached, gone]);
      if (ctx.res.destroyed) return;
    }
    return sendJson(ctx, 200, holdInfo(hold.id) ?? { id: hold.id, released: true, reached: null });
  }
  if (method === 'POST' && path === 'release') {
    const body = await readJson(ctx, releaseSchema);
    if (!body) return;
    if (body.id === undefined) control.holds.releaseAll();
    else {
      const hold = control.holds.get(body.id);
      if (!hold) return sendJson(ctx, 404, { detail: 'no such hold' });
      hold.release();
    }
    return sendJson(ctx, 200, { released: body.id ?? 'all' });
  }
  if (method === 'POST' && path === 'fault') {
    const fault = await readJson(ctx, faultSchema);
    if (fault) sendJson(ctx, 200, { id: control.faults.inject(fault).id });
    return;
  }
  const faultMatch = /^fault\/(\d+)\/release$/.exec(path);
  if (method === 'POST' && faultMatch) {
    control.faults.release(Number(faultMatch[1]));
    return sendJson(ctx, 200, { released: Number(faultMatch[1]) });
  }
  if (method === 'POST' && path === 'restart') {
    const next = control.state().boot + 1;
    // Answer first: the restart cuts every connection, this one included.
    ctx.res.once('finish', () => {
      control.restart().catch((err: unknown) => console.error('[sim] restart failed:', err));
    });
    return sendJson(ctx, 200, { boot: next });
  }
  sendJson(ctx, 404, { detail: `no test-control route ${method} /__sim/${path}` });
}
