/**
 * Who may use the app server (and through /api, its server-side API key).
 *
 * The app server listens on loopback and holds the FooocusAPI key, so any web page the user visits
 * could otherwise use it: a cross-site <img src="http://127.0.0.1:7870/api/tasks?action=delete…">
 * deletes the history and its output files, and a page on a rebinding DNS name ("evil.example"
 * resolving to 127.0.0.1) is same-origin with us from the browser's point of view. The rule:
 *
 * 1. `Host` must name this server: `127.0.0.1:PORT`, `localhost:PORT` or `[::1]:PORT` when it
 *    listens on loopback (plus the interface addresses when it listens on all of them), the listen
 *    address itself otherwise, and the hosts of any extra trusted origins. Anything else is a
 *    DNS-rebinding attempt (or a misdirected request) and gets 403. This applies to every path.
 * 2. On /api: an `Origin` header, when present, must be this server's own origin
 *    (`http://<the Host above>`) or an extra trusted origin (e.g. the Vite dev server, which
 *    proxies /api here). `Origin: null` is refused too.
 * 3. On /api: `Sec-Fetch-Site` must be `same-origin` or `none` when present. `cross-site` and
 *    `same-site` (another port on localhost is "same-site") are refused. Browsers without
 *    Sec-Fetch-* still send `Origin` on every cross-origin POST, which rule 2 catches. CLI tools
 *    send neither header and pass.
 * 4. `GET/HEAD /api/tasks` with an `action` parameter (FooocusAPI's bulk delete, contract §6.1,
 *    `action=delete` in any case, which also deletes output files) needs `X-Fooocus-Flow: 1`.
 *    A cross-site page can set no custom header without a CORS preflight, and we answer no
 *    preflight, so an old browser that sends neither Origin nor Sec-Fetch-Site on a plain GET is
 *    still stopped. The editor never deletes history.
 *
 * Replies carry no `access-control-*` headers (the proxy strips FooocusAPI's `*`): the editor is
 * same-origin and needs none, and no other origin may read them.
 */
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

export const DELETE_HEADER = 'x-fooocus-flow';

export type GuardDecision = { ok: true } | { ok: false; status: number; reason: string };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const WILDCARD = new Set(['0.0.0.0', '::', '']);

function hostPort(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${h}:${port}`.toLowerCase();
}

/** `Host` values this server answers to when it listens on `host:port`. */
export function allowedHosts(
  listenHost: string,
  port: number,
  extraOrigins: readonly string[] = [],
): Set<string> {
  const names = new Set<string>();
  const host = listenHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK.has(host) || WILDCARD.has(host)) for (const n of LOOPBACK) names.add(n);
  if (WILDCARD.has(host)) {
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(a.address.replace(/%.*$/, '').toLowerCase());
  } else names.add(host);
  const out = new Set<string>();
  for (const n of names) {
    out.add(hostPort(n, port));
    if (port === 80) out.add(n.includes(':') ? `[${n}]` : n);
  }
  for (const origin of extraOrigins) out.add(new URL(origin).host.toLowerCase());
  return out;
}

export interface Guard {
  /** Rules 1–4 for a request; `api` is the upstream path and query of an /api/… request, else null (rule 1 only). */
  check(req: IncomingMessage, api: { path: string; query: string } | null): GuardDecision;
}

function hasActionParam(query: string): boolean {
  const q = query.startsWith('?') ? query.slice(1) : query;
  if (q === '') return false;
  let decoded = q;
  try {
    decoded = decodeURIComponent(q.replace(/\+/g, ' '));
  } catch {
    // undecodable: judge the raw text
  }
  // Broader than FooocusAPI (which wants the exact key "action"): any key that mentions it counts.
  return /action/i.test(decoded) || [...new URLSearchParams(q).keys()].some((k) => /action/i.test(k));
}

export function createGuard(listenHost: string, port: number, extraOrigins: readonly string[] = []): Guard {
  const hosts = allowedHosts(listenHost, port, extraOrigins);
  const trustedOrigins = new Set(extraOrigins.map((o) => new URL(o).origin));
  const home = [...hosts][0] ?? `127.0.0.1:${port}`;
  const deny = (reason: string): GuardDecision => ({ ok: false, status: 403, reason });
  return {
    check(req, api) {
      const host = (req.headers.host ?? '').toLowerCase();
      if (!hosts.has(host))
        return deny(`the Host header "${host}" is not this server's address; open http://${home} instead`);
      if (!api) return { ok: true };
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${host}` && !trustedOrigins.has(origin))
        return deny(
          `requests from other web pages (Origin ${origin}) may not use this server's FooocusAPI connection`,
        );
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none')
        return deny(
          `requests from other web pages (Sec-Fetch-Site: ${String(site)}) may not use this server's FooocusAPI connection`,
        );
      if (/^\/tasks\/?$/.test(api.path) && hasActionParam(api.query) && req.headers[DELETE_HEADER] !== '1')
        return deny(`/tasks with an action (bulk delete) needs the header "X-Fooocus-Flow: 1"`);
      return { ok: true };
    },
  };
}
