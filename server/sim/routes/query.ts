/**
 * The read-side routes (contract §6.1–6.4): /tasks, /tasks/{id}, /v1/engine/control,
 * /outputs/{dir}/{file}, /inputs/{file}, /v1/engines/all-models and /v1/engines/styles.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { STYLE_NAMES } from '../catalog.ts';
import {
  keyAccepted,
  sendBytes,
  sendEmpty,
  sendForbidden,
  sendJson,
  sendServerError,
  type Ctx,
} from '../http.ts';
import type { SimState } from '../state.ts';
import { listTasks, ServerBug, taskRecord, type TaskQuery } from '../tasks.ts';
import { validateQueryValue, type PydanticError } from '../validate.ts';

const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** A single path segment that cannot climb out of its folder. */
export function safeSegment(raw: string): string | null {
  let s: string;
  try {
    s = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (!s || s === '.' || s === '..' || /[/\\\0]/.test(s)) return null;
  return s;
}

/** `YYYY-MM-DDTHH:MM:SS` (anything after is ignored), read in server local time. */
function parseIsoLocal(value: string | null): number | null {
  const m = value ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(value) : null;
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const t = new Date(y!, mo! - 1, d!, h!, mi!, s!).getTime();
  return Number.isNaN(t) ? null : t;
}

export async function handleTasks(ctx: Ctx, sim: SimState): Promise<void> {
  if (!keyAccepted(ctx.req, sim.apiKey)) return sendForbidden(ctx);
  const params = ctx.url.searchParams;
  const errors: PydanticError[] = [];
  const intParam = (name: string, fallback: number) => {
    const v = validateQueryValue({ t: 'int', default: fallback }, name, params.get(name) ?? undefined);
    errors.push(...v.errors);
    return Number(v.value ?? fallback);
  };
  const page = intParam('page', 0);
  const pageSize = intParam('page_size', 10);
  if (errors.length) return sendJson(ctx, 422, { detail: errors });
  const endAt = parseIsoLocal(params.get('end_at')) ?? sim.startedAt;
  let startAt = parseIsoLocal(params.get('start_at'));
  if (startAt !== null && startAt >= endAt) startAt = null; // the range is silently dropped
  if (params.get('action')?.toLowerCase() === 'delete') {
    if (startAt !== null) await deleteRange(sim, startAt, endAt);
    return sendJson(ctx, 200, null);
  }
  const q: TaskQuery = { query: params.get('query') ?? 'all', page, pageSize, startAt, endAt };
  try {
    sendJson(ctx, 200, listTasks(q, sim.current, sim.history, sim.worker.queuedIds()));
  } catch (err) {
    if (!(err instanceof ServerBug)) throw err;
    sendServerError(ctx);
  }
}

/** `action=delete`: the rows in the range go, with the output files their results name; inputs stay. */
async function deleteRange(sim: SimState, startAt: number, endAt: number): Promise<void> {
  const prefix = `${sim.baseUrl}/outputs/`;
  for (const row of sim.history.deleteRange(startAt, endAt))
    for (const url of row.result ?? []) {
      if (!url.startsWith(prefix)) continue;
      const [dir, file] = url.slice(prefix.length).split('/').map(safeSegment);
      if (dir && file) await rm(join(sim.dataDir, 'outputs', dir, file), { force: true });
    }
}

export function handleTask(ctx: Ctx, sim: SimState, taskId: string): void {
  if (!keyAccepted(ctx.req, sim.apiKey)) return sendForbidden(ctx);
  sendJson(ctx, 200, taskRecord(sim.current, sim.history, decodeURIComponent(taskId)));
}

/** Acts on `CurrentTask.task`, which is not always the task the worker is playing (runtime doc §1). */
export function handleControl(ctx: Ctx, sim: SimState): void {
  if (!keyAccepted(ctx.req, sim.apiKey)) return sendForbidden(ctx);
  const action = ctx.url.searchParams.get('action');
  if (action === null)
    return sendJson(ctx, 422, {
      detail: [{ type: 'missing', loc: ['query', 'action'], msg: 'Field required', input: null }],
    });
  if (action !== 'stop' && action !== 'skip')
    return sendJson(ctx, 200, { message: 'Invalid control action' });
  const current = sim.current.ct;
  if (!current) return sendJson(ctx, 200, { message: 'No task running' });
  current.entry.control[action] = true;
  sendJson(ctx, 200, { message: `task ${action}ed` });
}

/** Serves a stored image; an exact `Accept: image/png|jpeg|webp` converts it (contract §6.3). */
async function serveImage(ctx: Ctx, path: string, ext: string): Promise<void> {
  const accept = ctx.req.headers.accept;
  if (accept === undefined) return sendServerError(ctx);
  let info;
  try {
    info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
  } catch {
    return sendEmpty(ctx, 404);
  }
  const data = await readFile(path);
  const wanted = accept.toLowerCase();
  if (wanted === 'image/jpg') return sendEmpty(ctx, 200); // conversion fails quietly upstream
  if (wanted === 'image/png' || wanted === 'image/jpeg' || wanted === 'image/webp') {
    const fmt = wanted.slice(6) as 'png' | 'jpeg' | 'webp';
    const img = sharp(data);
    const converted = await (
      fmt === 'jpeg' ? img.flatten({ background: '#ffffff' }).jpeg() : img.toFormat(fmt)
    ).toBuffer();
    return sendBytes(ctx, 200, converted, { 'content-type': wanted });
  }
  const etag = createHash('md5')
    .update(`${info.mtimeMs / 1000}-${info.size}`)
    .digest('hex');
  sendBytes(ctx, 200, data, {
    'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
    etag: `"${etag}"`,
    'last-modified': info.mtime.toUTCString(),
    'accept-ranges': 'bytes',
  });
}

export async function handleOutput(ctx: Ctx, sim: SimState, dirRaw: string, fileRaw: string): Promise<void> {
  const dir = safeSegment(dirRaw);
  const file = safeSegment(fileRaw);
  const ext = file?.slice(file.lastIndexOf('.') + 1).toLowerCase() ?? '';
  if (ctx.req.headers.accept === undefined) return sendServerError(ctx);
  if (!dir || !file || !(ext in CONTENT_TYPES)) return sendEmpty(ctx, 404);
  await serveImage(ctx, join(sim.dataDir, 'outputs', dir, file), ext);
}

export async function handleInput(ctx: Ctx, sim: SimState, fileRaw: string): Promise<void> {
  const file = safeSegment(fileRaw);
  if (ctx.req.headers.accept === undefined) return sendServerError(ctx);
  if (!file) return sendEmpty(ctx, 404);
  await serveImage(
    ctx,
    join(sim.dataDir, 'inputs', file),
    file.slice(file.lastIndexOf('.') + 1).toLowerCase(),
  );
}

export function handleAllModels(ctx: Ctx, sim: SimState): void {
  if (!keyAccepted(ctx.req, sim.apiKey)) return sendForbidden(ctx);
  sendJson(ctx, 200, { model_filenames: sim.models, lora_filenames: sim.loras });
}

export function handleStyles(ctx: Ctx, sim: SimState): void {
  if (!keyAccepted(ctx.req, sim.apiKey)) return sendForbidden(ctx);
  sendJson(ctx, 200, STYLE_NAMES);
}
