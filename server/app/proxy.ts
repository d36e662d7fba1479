/**
 * Forwards an allowed `/api/<path>` request to the one FooocusAPI origin fixed at start-up. Streams
 * both ways without buffering (SSE arrives event by event), adds the server-side X-API-KEY, and maps
 * redirects that point at the upstream back under /api. FooocusAPI's CORS headers (`*`, credentials
 * allowed) are dropped: the editor is same-origin and no other origin may read these replies
 * (app/guard.ts).
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
];

export interface ProxyTarget {
  /** e.g. http://127.0.0.1:7866 */
  origin: string;
  /** A path prefix of the API ('' or e.g. '/fooocus'), without a trailing slash. */
  basePath: string;
  apiKey: string | undefined;
  prefix: string;
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
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.includes(name) || name === 'cookie' || name === 'x-fooocus-flow')
      continue;
    headers[name] = value;
  }
  headers.host = url.host;
  if (target.apiKey) headers['x-api-key'] = target.apiKey; // the client's own key is replaced, never mixed

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
      if (value === undefined || HOP_BY_HOP.includes(name) || name.startsWith('access-control-')) continue;
      out[name] = value;
    }
    const location = up.headers.location;
    if (location) {
      const base = `${target.origin}${target.basePath}`;
      if (location.startsWith(base)) out.location = `${target.prefix}${location.slice(base.length)}`;
      else if (location.startsWith('/'))
        out.location = `${target.prefix}${location.slice(target.basePath.length)}`;
    }
    res.writeHead(up.statusCode ?? 502, out);
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    up.pipe(res);
    up.on('error', () => res.destroy());
  });
  upstream.on('error', (err) => {
    if (res.headersSent) res.destroy();
    else sendJsonError(res, 502, `FooocusAPI at ${target.origin} is unreachable: ${err.message}`);
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
