/**
 * zod validates every element of an array before it checks the array's `.max()`: a file with a
 * million nodes costs a million node validations (and issues) before "at most 5000" is said. This
 * reads the bounds the schema already states and checks the lengths first, in time linear in the
 * number of keys, so the schema stays the one place the bounds are written.
 */
import type * as z from '../contract/zod-mini.ts';

interface ZodInternals {
  _zod: {
    def: { type: string; innerType?: ZodInternals; checks?: { _zod: { def: Record<string, unknown> } }[] };
  };
}

/** `{ key: maximum }` for each array property of an object schema that has a `.max()`. */
export function arrayBoundsOf(schema: z.core.$ZodObject): Record<string, number> {
  const bounds: Record<string, number> = {};
  for (const [key, field] of Object.entries(schema._zod.def.shape as Record<string, unknown>)) {
    let s = field as ZodInternals;
    while (s._zod.def.innerType) s = s._zod.def.innerType; // .default(), .optional()
    if (s._zod.def.type !== 'array') continue;
    for (const c of s._zod.def.checks ?? []) {
      const d = c._zod.def;
      if (d.check === 'max_length' && typeof d.maximum === 'number') bounds[key] = d.maximum;
    }
  }
  return bounds;
}

export interface BoundError {
  path: string;
  message: string;
}

/** The arrays of `value` longer than their bound, each with its path and what to do. */
export function overBoundArrays(value: unknown, bounds: Record<string, number>): BoundError[] {
  if (typeof value !== 'object' || value === null) return [];
  const out: BoundError[] = [];
  for (const [key, max] of Object.entries(bounds)) {
    const v = (value as Record<string, unknown>)[key];
    if (Array.isArray(v) && v.length > max)
      out.push({
        path: key,
        message: `has ${v.length.toLocaleString('en')} items; at most ${max.toLocaleString('en')} are accepted`,
      });
  }
  return out;
}
