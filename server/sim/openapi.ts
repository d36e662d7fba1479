/**
 * `GET /openapi.json`: FastAPI publishes its schema there (title "FastAPI", version "0.1.0" when the
 * app sets neither). The simulator lists its API routes with their methods; no request models.
 */
import type { Route } from './router.ts';

const HIDDEN = new Set(['/docs', '/openapi.json']);

export function openApiDocument(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (HIDDEN.has(r.path)) continue;
    const params = [...r.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => ({
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
