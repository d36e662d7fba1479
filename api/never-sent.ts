import { FooocusApiError } from './errors.ts';

/** True when the failure proves the request never left (connection refused): safe to say "not sent". */
export function wasNeverSent(e: unknown): boolean {
  if (!(e instanceof FooocusApiError) || e.kind !== 'network') return false;
  const seen = new Set<unknown>();
  const walk = (x: unknown): boolean => {
    if (!x || typeof x !== 'object' || seen.has(x)) return false;
    seen.add(x);
    const o = x as { code?: unknown; cause?: unknown; errors?: unknown };
    if (o.code === 'ECONNREFUSED') return true;
    if (Array.isArray(o.errors) && o.errors.some(walk)) return true;
    return walk(o.cause);
  };
  return walk(e);
}
