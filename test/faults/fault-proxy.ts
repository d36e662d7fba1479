/**
 * An HTTP proxy in front of a simulated engine that breaks the network the way real networks
 * break, one request at a time: drop the connection before forwarding (the server never saw it),
 * forward and then drop the reply (the server acted, the client never heard), cut a reply body
 * half-way, or hold requests (a stalled server) until released. A rule decides per request; the
 * test or harness swaps rules at will. Holding is explicit (`release()`), never a timer.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyAction =
  | 'pass'
  /** Close the client's connection without forwarding: nothing reaches the server. */
  | 'drop-before'
  /** Forward, let the server answer, then close the client's connection: the reply is lost. */
  | 'drop-reply'
  /** Forward, send the status and half the body, then close. */
  | 'cut-body'
  /** Keep the request waiting until `release()` (then it is forwarded) or `dropHeld()`. */
  | 'hold';

export interface ProxiedRequest {
  method: string;
  path: string;
}

export type ProxyRule = (req: ProxiedRequest) => ProxyAction;

export interface FaultProxy {
  url: string;
  /** The rule applied to every new request; default: pass everything. */
  setRule(rule: ProxyRule): void;
  /** Forward every held request. */
  release(): void;
  /** Close the connections of every held request (a stall that ends in a reset). */
  dropHeld(): void;
  /** Requests currently held. */
  held(): number;
  /** Count of requests by action, for the harness's report. */
  counts: Record<ProxyAction, number>;
  /** Point the proxy at another upstream (an engine restarted on a new port). */
  setUpstream(url: string): void;
  close(): Promise<void>;
}

/** One rule firing once for the first request that matches, then passing everything. */
export function once(match: (r: ProxiedRequest) => boolean, action: ProxyAction): ProxyRule {
  let fired = false;
  return (r) => {
    if (!fired && match(r)) {
      fired = true;
      return action;
    }
    return 'pass';
  };
}

export const isSubmit = (r: ProxiedRequest) =>
  r.method === 'POST' && r.path.startsWith('/v1/engine/generate');
export const isPoll = (r: ProxiedRequest) => r.method === 'GET' && /^\/tasks\/[0-9a-f]{32}/.test(r.path);

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  let upstream = new URL(upstreamUrl);
  let rule: ProxyRule = () => 'pass';
  const heldQueue: { forward: () => void; drop: () => void }[] = [];
  const counts: Record<ProxyAction, number> = {
    pass: 0,
    'drop-before': 0,
    'drop-reply': 0,
    'cut-body': 0,
    hold: 0,
  };

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, action: ProxyAction) => {
    const up = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (upRes) => {
        if (action === 'drop-reply') {
          // Let the server finish its reply, then lose it on the way back.
          upRes.resume();
          upRes.on('end', () => res.socket?.destroy());
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (action === 'cut-body') {
          upRes.once('data', (chunk: Buffer) => {
            res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
            res.socket?.destroy();
            upRes.destroy();
          });
          return;
        }
        upRes.pipe(res);
      },
    );
    // The upstream is down (killed engine): the client sees its connection dropped.
    up.on('error', () => res.socket?.destroy());
    res.on('close', () => up.destroy());
    up.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = rule({ method: req.method ?? 'GET', path: req.url ?? '/' });
      counts[action]++;
      const body = Buffer.concat(chunks);
      if (action === 'drop-before') return void res.socket?.destroy();
      if (action === 'hold') {
        heldQueue.push({
          forward: () => forward(req, body, res, 'pass'),
          drop: () => void res.socket?.destroy(),
        });
        return;
      }
      forward(req, body, res, action);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setRule: (r) => {
      rule = r;
    },
    release: () => {
      for (const h of heldQueue.splice(0)) h.forward();
    },
    dropHeld: () => {
      for (const h of heldQueue.splice(0)) h.drop();
    },
    held: () => heldQueue.length,
    counts,
    setUpstream: (url) => {
      upstream = new URL(url);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const h of heldQueue.splice(0)) h.drop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
