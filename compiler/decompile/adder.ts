/** GraphBuilder.add for decompile: a node-param error is thrown at the request path it came from. */
import { $ZodError } from 'zod/v4/core';
import { GraphBuilder } from '../../nodes/build.ts';
import type { KindName } from '../../nodes/registry.ts';
import { friendlyIssue } from '../workflow-file/parse.ts';
import { DecompileFailure } from './errors.ts';
import { isObject } from './recognise.ts';

/** GraphBuilder.add, with node-param errors reported at the request path they came from. */
export function adder(b: GraphBuilder) {
  return <K extends KindName>(
    kind: K,
    params: Record<string, unknown>,
    where: (param: string) => string,
    label?: string,
  ): string => {
    try {
      return b.add(kind, params, label);
    } catch (err) {
      // Node kinds' schemas are zod/mini: their errors are core `$ZodError`s (classic's `ZodError` is one too).
      if (!(err instanceof $ZodError)) throw err;
      const issues = err.issues.map((i) => ({
        ...i,
        path: [],
        message: `${friendlyIssue({ ...i, input: valueAt(params, i.path) } as never) ?? i.message}`,
        at:
          where(String(i.path[0] ?? '')) +
          i.path
            .slice(1)
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join(''),
      }));
      throw new DecompileFailure(issues.map((i) => ({ path: i.at, message: i.message })));
    }
  };
}

export function valueAt(v: unknown, path: readonly PropertyKey[]): unknown {
  let cur = v;
  for (const p of path)
    cur = isObject(cur) || Array.isArray(cur) ? (cur as Record<PropertyKey, unknown>)[p] : undefined;
  return cur;
}
