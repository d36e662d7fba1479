/**
 * POST /v1/engine/generate/ (contract §5): validation, then one of four replies picked in the
 * server's order — binary image for `Accept: image/*`, SSE stream, async stub, or the synchronous
 * record once the task is done.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { REQUEST_FIELDS } from '../../../compiler/request/fields.ts';
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
import { asyncStub, finalRecord, type ProgressEvent, type TaskEntry } from '../tasks.ts';
import { validateModel, type PydanticError } from '../validate.ts';

const BINARY_EXTS = ['png', 'jpg', 'jpeg', 'webp'];
const SSE_PING_MS = 15_000;

function createEntry(sim: SimState, prepared: PreparedTask, forceEmpty: boolean): TaskEntry {
  const entry: TaskEntry = {
    rowId: sim.store.allocateRowId(),
    taskId: randomUUID().replace(/-/g, ''),
    prepared,
    webhookUrl: prepared.request.webhook_url ?? '',
    inQueueMills: Date.now(),
    startMills: null,
    finishMills: null,
    state: 'pending',
    status: null,
    progress: 0,
    preview: null,
    result: [],
    files: [],
    control: { stop: false, skip: false },
    events: new EventEmitter(),
    forceEmpty,
  };
  sim.store.add(entry);
  sim.worker.enqueue(entry);
  return entry;
}

async function prepare(sim: SimState, req: SimRequest): Promise<PreparedTask> {
  return prepareTask(req, { dataDir: sim.dataDir, baseUrl: sim.baseUrl, fetchPolicy: sim.fetchPolicy });
}

async function untilDone(entry: TaskEntry): Promise<void> {
  if (entry.state !== 'done') await once(entry.events, 'done');
}

/** sse-starlette framing of a text that ends in "\n": a second, empty data line. */
function sseEvent(value: unknown): string {
  return `data: ${dumpPyJson(value, { spaced: true })}\r\ndata: \r\n\r\n`;
}

async function replyStream(ctx: Ctx, sim: SimState, req: SimRequest, forceEmpty: boolean): Promise<void> {
  const { res } = ctx;
  res.writeHead(200, {
    ...ctx.cors,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  let cutAfter = sim.faults.take('cut-stream-after')?.events;
  let prepared: PreparedTask;
  try {
    prepared = await prepare(sim, req);
  } catch {
    res.destroy(); // a bad image ends the stream with no events at all
    return;
  }
  const entry = createEntry(sim, prepared, forceEmpty);
  const ping = setInterval(() => res.write(`: ping - ${new Date().toISOString()}\r\n\r\n`), SSE_PING_MS);
  const write = (value: unknown) => {
    if (res.destroyed) return;
    res.write(sseEvent(value));
    if (cutAfter !== undefined && --cutAfter <= 0) res.destroy();
  };
  const onProgress = (p: ProgressEvent) =>
    write({
      progress: p.progress,
      preview: p.preview ? `data:image/png;base64,${p.preview}` : null,
      message: p.message,
      images: [],
    });
  entry.events.on('progress', onProgress);
  try {
    await untilDone(entry);
    write({ progress: 100, preview: null, message: 'Finished', images: entry.result });
  } finally {
    clearInterval(ping);
    entry.events.off('progress', onProgress);
    if (!res.destroyed) res.end();
  }
}

async function replyBinary(ctx: Ctx, sim: SimState, req: SimRequest, ext: string, forceEmpty: boolean) {
  const entry = createEntry(sim, await prepare(sim, { ...req, image_number: 1 }), forceEmpty);
  await untilDone(entry);
  const first = entry.files[0];
  if (!first) return sendEmpty(ctx, 204);
  if (ext === 'jpg') return sendServerError(ctx); // PIL knows no "JPG" format: fails after generating
  const bytes = await encodeAs(await readFile(first), formatOf(ext));
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
    if (req.async_process) return sendJson(ctx, 200, asyncStub(entry.taskId));
    await untilDone(entry);
    sendJson(ctx, 200, finalRecord(entry));
  } catch (err) {
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
