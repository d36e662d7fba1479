/**
 * Small HTTP helpers shared by the simulator's routes: Starlette-like CORS (contract §1.3),
 * JSON replies encoded like Starlette's JSONResponse, and the bare 500 that skips CORS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dumpPyJson } from './pyjson.ts';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Headers the CORS middleware adds to every reply except 500s. */
  cors: Record<string, string>;
  /**
   * Set when a `drop-before-reply` fault applies to this request: destroys the socket (any reply
   * written goes nowhere). Routes that send headers before their work is done call it themselves.
   */
  dropReply?: () => void;
}

const ALL_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

/** Starlette ≤ 0.47 CORSMiddleware with allow_origins=["*"], allow_credentials=True. */
export function simpleCorsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  const headers: Record<string, string> = { 'access-control-allow-credentials': 'true' };
  if (req.headers.cookie) {
    headers['access-control-allow-origin'] = origin;
    headers.vary = 'Origin';
  } else headers['access-control-allow-origin'] = '*';
  return headers;
}

export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && !!req.headers.origin && !!req.headers['access-control-request-method'];
}

export function sendPreflight(ctx: Ctx): void {
  const { req, res } = ctx;
  const headers: Record<string, string> = {
    vary: 'Origin',
    'access-control-allow-origin': String(req.headers.origin),
    'access-control-allow-methods': ALL_METHODS,
    'access-control-max-age': '600',
    'access-control-allow-credentials': 'true',
    'content-type': 'text/plain; charset=utf-8',
  };
  const requested = req.headers['access-control-request-headers'];
  if (requested) headers['access-control-allow-headers'] = String(requested);
  res.writeHead(200, headers).end('OK');
}

export function sendJson(ctx: Ctx, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = Buffer.from(dumpPyJson(value), 'utf8');
  ctx.res
    .writeHead(status, {
      ...ctx.cors,
      ...extra,
      'content-type': 'application/json',
      'content-length': String(body.length),
    })
    .end(body);
}

export function sendBytes(ctx: Ctx, status: number, body: Buffer, headers: Record<string, string>): void {
  ctx.res.writeHead(status, { ...ctx.cors, ...headers, 'content-length': String(body.length) }).end(body);
}

export function sendEmpty(ctx: Ctx, status: number, headers: Record<string, string> = {}): void {
  ctx.res.writeHead(status, { ...ctx.cors, ...headers, 'content-length': '0' }).end();
}

/** Starlette's ServerErrorMiddleware sits outside CORS: a 500 carries no access-control headers. */
export function sendServerError(ctx: Ctx): void {
  if (ctx.res.headersSent) {
    ctx.res.destroy();
    return;
  }
  ctx.res
    .writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': '21' })
    .end('Internal Server Error');
}

export function redirect(ctx: Ctx, location: string): void {
  sendEmpty(ctx, 307, { location });
}

/**
 * The most the simulator reads of one request body. Uvicorn itself has no limit; a generate request
 * with five 12 MP photos inlined is about 60 MB, so 200 MB is generous and still bounds memory.
 */
export const MAX_SIM_BODY_BYTES = 200 * 1024 * 1024;

/** A body over the limit: answered 413 by `readFastApiBody`, and never read to its end. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${Math.round(limit / 1048576)} MB`);
  }
}

export async function readBody(req: IncomingMessage, limit = MAX_SIM_BODY_BYTES): Promise<Buffer> {
  // A stated length over the limit is refused before a byte of the body is read.
  if (Number(req.headers['content-length'] ?? 0) > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** `X-API-KEY` check of FooocusAPI's secure routers; no configured key means no check. */
export function keyAccepted(req: IncomingMessage, apiKey: string | undefined): boolean {
  if (!apiKey) return true;
  return req.headers['x-api-key'] === apiKey;
}

export function sendForbidden(ctx: Ctx): void {
  sendJson(ctx, 403, { detail: 'Forbidden' });
}

/** A thrown error that should end as the bare 500 (bad input image, missing Accept...). */
export class InternalServerError extends Error {}
