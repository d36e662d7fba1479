/**
 * Which `/api/<path>` requests the app server forwards: FooocusAPI paths only, with no way for a
 * request to pick another host or climb out of the API's path (contract §2 endpoint catalogue).
 */

const ALLOWED: { methods: readonly string[]; pattern: RegExp }[] = [
  { methods: ['POST'], pattern: /^\/v1\/engine\/generate\/?$/ },
  { methods: ['POST'], pattern: /^\/v1\/engine\/control\/?$/ },
  { methods: ['GET', 'HEAD'], pattern: /^\/tasks$/ },
  { methods: ['GET', 'HEAD'], pattern: /^\/tasks\/[A-Za-z0-9_-]+$/ },
  { methods: ['GET', 'HEAD'], pattern: /^\/outputs\/[^/]+\/[^/]+$/ },
  { methods: ['GET', 'HEAD'], pattern: /^\/inputs\/[^/]+$/ },
  { methods: ['GET', 'HEAD'], pattern: /^\/v1\/engines\/[A-Za-z0-9_-]+$/ },
  { methods: ['POST'], pattern: /^\/v1\/tools\/[A-Za-z0-9_-]+$/ },
  // Read for its start-up stamp only (api/server-boot.ts): the proof that a server restarted and lost
  // a task, so a run resumed in the editor ends at once instead of waiting the long limit.
  { methods: ['GET'], pattern: /^\/openapi\.json$/ },
];

/** The simulated engine's test-control routes: forwarded only when the app server is told to. */
const TEST_CONTROL = { methods: ['GET', 'POST'], pattern: /^\/__sim\/[A-Za-z0-9_/-]+$/ };

export type ProxyDecision =
  { ok: true; path: string; query: string } | { ok: false; status: number; reason: string };

/**
 * `rawUrl` is the request target exactly as received (Node's `req.url`), before any normalisation.
 * Returns the upstream path (without the /api prefix) and query string when forwarding is allowed.
 */
export function decideProxy(
  method: string,
  rawUrl: string,
  prefix = '/api',
  opts: { testControl?: boolean } = {},
): ProxyDecision {
  const deny = (status: number, reason: string): ProxyDecision => ({ ok: false, status, reason });
  // Absolute-form targets ("http://evil/..."), "//host" and anything not rooted are refused outright.
  if (!rawUrl.startsWith(`${prefix}/`)) return deny(404, 'not an API path');
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q);
  const path = rawPath.slice(prefix.length);
  if (path.startsWith('//') || path.includes('\\')) return deny(400, 'path may not name a host');
  // Encoded separators, dots or NULs could be decoded upstream into "../" or a second host.
  if (/%(2f|5c|2e|00)/i.test(path)) return deny(400, 'encoded separators or dots are not allowed');
  const segments = path.split('/').slice(1);
  if (segments.some((s, i) => s === '.' || s === '..' || (s === '' && i !== segments.length - 1)))
    return deny(400, 'dot or empty path segments are not allowed');
  if (/[^A-Za-z0-9._~!$&'()*+,;=:@%/-]/.test(path)) return deny(400, 'invalid characters in path');
  if (/[\r\n#]/.test(query)) return deny(400, 'invalid characters in query');
  const rules = opts.testControl ? [...ALLOWED, TEST_CONTROL] : ALLOWED;
  const rule = rules.find((r) => r.pattern.test(path));
  if (!rule) return deny(404, `not a FooocusAPI path: ${path}`);
  if (!rule.methods.includes(method)) return deny(405, `${method} is not allowed on ${path}`);
  return { ok: true, path, query };
}
