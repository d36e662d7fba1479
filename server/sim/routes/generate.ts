/**
 * POST /v1/engine/generate/ (contract §5): validation, then one of four replies picked in the
 * server's order — binary image for `Accept: image/*`, SSE stream, async stub, or the synchronous
 * record once the task is done.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { REQUEST_FIELDS } from '../../../contract/fields.ts';
import { readFastApiBody } from '../body.ts';
import {
  InternalServerError,
  keyAccepted,
  sendBytes,
  sendEmpty,
  sendForbidden,
  sendJson,
  sendServerError,
  type Ctx,
} from '../http.ts';
import { prepareTask, type PreparedTask, type SimRequest } from '../prepare.ts';
import { dumpPyJson } from '../pyjson.ts';
import { encodeAs, formatOf } from '../render.ts';
import type { SimState } from '../state.ts';
import { DrainBroken, DrainCancelled, drainTask } from '../drainer.ts';
import { asyncStub, finalRecord, type TaskEntry } from '../tasks.ts';
import { validateModel, type PydanticError } from '../validate.ts';

const BINARY_EXTS = ['png', 'jpg', 'jpeg', 'webp'];

/** process_params: the task joins the worker's queue and its history row is inserted with nulls. */
function createEntry(sim: SimState, prepared: PreparedTask, forceEmpty: boolean): TaskEntry {
  const entry: TaskEntry = {
    taskId: randomUUID().replace(/-/g, ''),
    prepared,
    webhookUrl: prepared.request.webhook_url ?? '',
    inQueueMills: Date.now(),
    state: 'queued',
    yields: [],
    events: new EventEmitter(),
    outputs: [],
    control: { stop: false, skip: false },
    forceEmpty,
  };
  sim.history.insert({
    task_id: entry.taskId,
    req_params: prepared.reqParams,
    in_queue_mills: entry.inQueueMills,
    webhook_url: entry.webhookUrl,
  });
  sim.worker.enqueue(entry);
  return entry;
}

async function prepare(sim: SimState, req: SimRequest): Promise<PreparedTask> {
  return prepareTask(req, { dataDir: sim.dataDir, baseUrl: sim.baseUrl, fetchPolicy: sim.fetchPolicy });
}

/** sse-starlette framing of a text that ends in "\n": a second, empty data line. */
function sseEvent(value: unknown): string {
  return `data: ${dumpPyJson(value, { spaced: true })}\r\ndata: \r\n\r\n`;
}

/** Aborts when the client's connection goes away (a dropped stream cancels its drainer). */
function connectionSignal(ctx: Ctx): AbortSignal {
  const gone = new AbortController();
  const onClose = () => gone.abort('connection closed');
  if (ctx.res.destroyed || ctx.req.socket.destroyed) onClose();
  ctx.res.once('close', () => {
    if (!ctx.res.writableFinished) onClose();
  });
  return gone.signal;
}

async function replyStream(ctx: Ctx, sim: SimState, req: SimRequest, forceEmpty: boolean): Promise<void> {
  const { res } = ctx;
  if (ctx.dropReply) {
    // The reply is lost before its headers, but the generator still queues the task once.
    createEntry(sim, await prepare(sim, req), forceEmpty);
    ctx.dropReply();
    return;
  }
  res.writeHead(200, {
    ...ctx.cors,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const take = { fire: false };
  const drop =
    sim.faults.take('drop-mid-stream', undefined, take) ??
    sim.faults.take('cut-stream-after', undefined, take);
  let prepared: PreparedTask;
  try {
    prepared = await prepare(sim, req);
  } catch {
    res.destroy(); // a bad image ends the stream with no events at all
    return;
  }
  const signal = connectionSignal(ctx);
  const entry = createEntry(sim, prepared, forceEmpty);
  const ping = setInterval(() => res.write(`: ping - ${new Date().toISOString()}\r\n\r\n`), sim.ssePingMs);
  let sent = 0;
  const write = (value: unknown) => {
    if (res.destroyed) return;
    // A drop fault cuts the connection when the event after the N-th is due, so a client has had
    // the time to read the first N (a fetch body errored at once would discard unread data).
    if (drop && sent >= drop.fault.events) {
      res.destroy();
      drop.fire();
      return;
    }
    res.write(sseEvent(value));
    sent++;
  };
  try {
    await drainTask(sim, entry, 'stream', {
      signal,
      onProgress: (p) =>
        write({
          progress: p.progress,
          preview: p.preview ? `data:image/png;base64,${p.preview}` : null,
          message: p.message,
          images: [],
        }),
      onFinish: () =>
        write({
          progress: 100,
          preview: null,
          message: 'Finished',
          images: entry.outputs.map((o) => `${sim.baseUrl}/outputs/${o.relative}`),
        }),
    });
    if (!res.destroyed) res.end();
  } catch (err) {
    // Cancelled (client gone, engine killed) or broken by another task clearing "current": the
    // stream ends without "Finished", and the task is never recorded.
    if (!(err instanceof DrainCancelled) && !(err instanceof DrainBroken)) throw err;
    res.destroy();
  } finally {
    clearInterval(ping);
  }
}

async function replyBinary(ctx: Ctx, sim: SimState, req: SimRequest, ext: string, forceEmpty: boolean) {
  const entry = createEntry(sim, await prepare(sim, { ...req, image_number: 1 }), forceEmpty);
  try {
    await drainTask(sim, entry, 'binary'); // a plain handler: not cancelled by the client leaving
  } catch (err) {
    if (err instanceof DrainCancelled) {
      ctx.res.destroy();
      return;
    }
    if (err instanceof DrainBroken) return sendServerError(ctx);
    throw err;
  }
  const first = entry.outputs[0];
  if (!first) return sendEmpty(ctx, 204);
  if (ext === 'jpg') return sendServerError(ctx); // PIL knows no "JPG" format: fails after generating
  const bytes = await encodeAs(await readFile(first.path), formatOf(ext));
  sendBytes(ctx, 200, bytes, { 'content-type': `image/${ext}` });
}

export async function handleGenerate(ctx: Ctx, sim: SimState): Promise<void> {
  const parsed = await readFastApiBody(ctx);
  if (!parsed) return;
  if (!keyAccepted(ctx.req, sim.apiKey)) return sendForbidden(ctx);
  const validated = validateRequest(parsed.body);
  if (!validated.ok) return sendJson(ctx, 422, { detail: validated.errors });
  const accept = ctx.req.headers.accept;
  if (accept === undefined) return sendServerError(ctx); // `accept.lower()` on None upstream
  if (sim.faults.take('http-500-next')) return sendServerError(ctx);
  const forceEmpty = sim.faults.take('finish-empty-next') !== undefined;
  const req = validated.value;
  const [kind, sub] = accept.toLowerCase().split('/');
  try {
    if (kind === 'image') {
      const ext = sub && BINARY_EXTS.includes(sub) ? sub : 'png';
      return await replyBinary(ctx, sim, req, ext, forceEmpty);
    }
    if (req.stream_output) return await replyStream(ctx, sim, req, forceEmpty);
    const entry = createEntry(sim, await prepare(sim, req), forceEmpty);
    // Async: a background drainer of its own; the reply does not wait for it.
    if (req.async_process) {
      drainTask(sim, entry, 'background').catch((err: unknown) => {
        if (!(err instanceof DrainCancelled)) console.error('[sim] drainer failed:', err);
      });
      return sendJson(ctx, 200, asyncStub(entry.taskId));
    }
    // Sync: the request handler is the drainer (it does not notice a client that went away).
    const row = await drainTask(sim, entry, 'background');
    if (!row) return sendServerError(ctx); // the row was deleted meanwhile: json.loads(None) upstream
    sendJson(ctx, 200, finalRecord(row));
  } catch (err) {
    if (err instanceof DrainCancelled) {
      ctx.res.destroy(); // the engine was killed
      return;
    }
    if (!(err instanceof InternalServerError)) console.error('[sim] generate failed:', err);
    sendServerError(ctx);
  }
}

function validateRequest(
  body: unknown,
): { ok: true; value: SimRequest } | { ok: false; errors: PydanticError[] } {
  const v = validateModel<SimRequest>(REQUEST_FIELDS, body);
  return v.errors.length || !v.value ? { ok: false, errors: v.errors } : { ok: true, value: v.value };
}
