/**
 * Forwards an allowed `/api/<path>` request to the one FooocusAPI origin fixed at start-up. Streams
 * both ways without buffering (SSE arrives event by event), adds the server-side X-API-KEY, and maps
 * redirects that point at the upstream back under /api. FooocusAPI's CORS headers (`*`, credentials
 * allowed) are dropped: the editor is same-origin and no other origin may read these replies
 * (app/guard.ts).
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Allow-lists, not deny-lists: a header we do not know about is not passed on. Towards FooocusAPI
 * only what a JSON API needs (no cookies, no `Authorization`, no `X-Forwarded-For` naming the user,
 * no `Accept-Encoding`, so SSE lines arrive uncompressed and one by one). Towards the browser only
 * what describes the body: never `Set-Cookie` (the upstream is another origin's server) and no
 * `Location` that leaves /api.
 */
const REQUEST_HEADERS = new Set([
  'accept',
  'accept-language',
  'content-type',
  'content-length',
  'cache-control',
  'last-event-id',
]);
const RESPONSE_HEADERS = new Set([
  'content-type',
  'content-length',
  'content-disposition',
  'cache-control',
  'etag',
  'last-modified',
  'date',
  'expires',
  'allow',
  'x-accel-buffering',
]);

/** Default limit on a forwarded request body: six 12 MP photos (inpaint, mask, four image prompts) as base64, with room. */
export const MAX_PROXY_BODY_BYTES = 256 * 1024 * 1024;

export interface ProxyTarget {
  /** e.g. http://127.0.0.1:7866 */
  origin: string;
  /** A path prefix of the API ('' or e.g. '/fooocus'), without a trailing slash. */
  basePath: string;
  apiKey: string | undefined;
  prefix: string;
  /** Largest request body forwarded; larger ones get 413. Default MAX_PROXY_BODY_BYTES. */
  maxBodyBytes?: number | undefined;
}

function sendJsonError(res: ServerResponse, status: number, detail: string): void {
  const body = JSON.stringify({ detail });
  res
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    .end(body);
}

export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: ProxyTarget,
  path: string,
  query: string,
) {
  const url = new URL(target.origin);
  const limit = target.maxBodyBytes ?? MAX_PROXY_BODY_BYTES;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return tooLarge(req, res, limit);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && REQUEST_HEADERS.has(name)) headers[name] = value;
  }
  headers.host = url.host;
  // The server's key replaces the client's, never mixed; without one, a key typed in the editor passes.
  const clientKey = req.headers['x-api-key'];
  if (target.apiKey) headers['x-api-key'] = target.apiKey;
  else if (typeof clientKey === 'string') headers['x-api-key'] = clientKey;

  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send({
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port || undefined,
    method: req.method,
    path: `${target.basePath}${path}${query}`,
    headers,
  });
  upstream.on('response', (up) => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(up.headers)) {
      if (value !== undefined && RESPONSE_HEADERS.has(name)) out[name] = value;
    }
    const location = up.headers.location;
    if (location) {
      // Only redirects within the API (FooocusAPI's 307s to a trailing slash) are mapped back under /api.
      const base = `${target.origin}${target.basePath}`;
      if (location.startsWith(`${base}/`)) out.location = `${target.prefix}${location.slice(base.length)}`;
      else if (location.startsWith(`${target.basePath}/`) && !location.startsWith('//'))
        out.location = `${target.prefix}${location.slice(target.basePath.length)}`;
    }
    res.writeHead(up.statusCode ?? 502, out);
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  upstream.on('error', (err) => {
    if (res.headersSent) {
      if (!res.writableEnded) res.destroy();
    } else sendJsonError(res, 502, `FooocusAPI at ${target.origin} is unreachable: ${err.message}`);
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit && !upstream.destroyed) {
      upstream.destroy();
      tooLarge(req, res, limit);
    }
  });
  req.pipe(upstream);
}

function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  if (!res.headersSent)
    sendJsonError(
      res,
      413,
      `The request body is larger than ${Math.round(limit / (1024 * 1024))} MB, the most this app server forwards. Use smaller images (FooocusAPI resizes them anyway).`,
    );
  // Stop reading: the rest of the body is not wanted.
  req.unpipe();
  req.resume();
  res.on('finish', () => req.destroy());
}
