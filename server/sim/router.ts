/**
 * Route matching with Starlette's rules: a path that matches with another method is a 405, a path
 * that matches only with its trailing slash toggled is a 307 to that form (query kept), else 404.
 */
import { redirect, sendJson, type Ctx } from './http.ts';

export interface Route {
  method: 'GET' | 'POST';
  /** The path as declared, e.g. /tasks/{task_id} (for openapi.json). */
  path: string;
  pattern: RegExp;
  /** HEAD is answered like GET (Starlette routes); FastAPI API routes leave it out (405). */
  head: boolean;
  handle: (ctx: Ctx, params: string[]) => void | Promise<void>;
}

export function route(
  method: Route['method'],
  path: string,
  handle: Route['handle'],
  opts: { head?: boolean } = {},
): Route {
  const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[a-z_]+\}/g, '([^/]+)');
  return { method, path, pattern: new RegExp(`^${source}$`), head: opts.head ?? false, handle };
}

export async function dispatch(ctx: Ctx, routes: Route[]): Promise<void> {
  const path = ctx.url.pathname;
  const method = ctx.req.method;
  const matching = routes.filter((r) => r.pattern.test(path));
  const exact = matching.find(
    (r) => r.method === method || (method === 'HEAD' && r.head && r.method === 'GET'),
  );
  if (exact) return exact.handle(ctx, exact.pattern.exec(path)!.slice(1));
  if (matching.length > 0)
    return sendJson(
      ctx,
      405,
      { detail: 'Method Not Allowed' },
      { allow: [...new Set(matching.flatMap((r) => (r.head ? [r.method, 'HEAD'] : [r.method])))].join(', ') },
    );
  if (path !== '/') {
    const toggled = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
    if (routes.some((r) => r.pattern.test(toggled))) {
      const host = ctx.req.headers.host ?? 'localhost';
      return redirect(ctx, `http://${host}${toggled}${ctx.url.search}`);
    }
  }
  sendJson(ctx, 404, { detail: 'Not Found' });
}
