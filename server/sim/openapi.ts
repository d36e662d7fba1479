/**
 * `GET /openapi.json`: FastAPI publishes its schema there (title "FastAPI", version "0.1.0" when the
 * app sets neither). The simulator lists its API routes with their methods; no request models,
 * except `/tasks`'s query parameters: upstream's `end_at` default is `datetime.now().isoformat()`
 * evaluated once at start-up (contract §6.1), so the document tells when this run of the server
 * started — clients use it to tell a restart (api/server-boot.ts).
 */
import type { Route } from './router.ts';

/** Python's `datetime.isoformat()` of a local time with microseconds: `2026-12-03T07:24:05.123456`. */
export function pythonLocalIso(epochMicros: number): string {
  const d = new Date(Math.floor(epochMicros / 1000));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const micros = Math.floor(epochMicros % 1_000_000);
  const date = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const time = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return `${date}T${time}${micros === 0 ? '' : `.${p(micros, 6)}`}`;
}

/** FastAPI's rendering of `get_tasks`'s query parameters (apis/routes/query.py). */
function tasksParameters(startedIso: string) {
  const q = (name: string, title: string, schema: Record<string, unknown>) => ({
    name,
    in: 'query',
    required: false,
    schema: { ...schema, title },
  });
  return [
    q('query', 'Query', { type: 'string', default: 'all' }),
    q('page', 'Page', { type: 'integer', default: 0 }),
    q('page_size', 'Page Size', { type: 'integer', default: 10 }),
    q('start_at', 'Start At', { type: 'string' }),
    q('end_at', 'End At', { type: 'string', default: startedIso }),
    q('action', 'Action', { type: 'string' }),
  ];
}

const HIDDEN = new Set(['/docs', '/openapi.json']);

/** `startedIso`: this run's start-up time as upstream renders it (see `pythonLocalIso`). */
export function openApiDocument(routes: readonly Route[], startedIso: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (HIDDEN.has(r.path)) continue;
    const params =
      r.path === '/tasks' && r.method === 'GET'
        ? tasksParameters(startedIso)
        : [...r.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => ({
            name: m[1],
            in: 'path',
            required: true,
            schema: { type: 'string' },
          }));
    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      summary: r.path,
      ...(params.length ? { parameters: params } : {}),
      responses: { '200': { description: 'Successful Response' } },
    };
  }
  return { openapi: '3.1.0', info: { title: 'FastAPI', version: '0.1.0' }, paths };
}
