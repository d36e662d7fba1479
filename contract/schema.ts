/**
 * zod schemas generated from the field table in fields.ts.
 * - `strictRequestSchema`: our own output. Unknown keys, wrong JSON types and out-of-range values are
 *   bugs; free-string fields the worker checks (engine, sam model, order...) must be in their lists.
 * - `laxRequestSchema`: a request from outside (decompile, a pasted log). Accepts what the real server
 *   accepts (pydantic lax mode: "true" for booleans, "2" for ints, unknown keys dropped) and fills
 *   defaults, so the result is a complete `CommonRequest`.
 */
import * as z from './zod-mini.ts';
import {
  CLOTH_CATEGORIES,
  ENHANCE_UOV_ORDERS,
  ENHANCE_UOV_PROMPT_TYPES,
  INPAINT_ENGINES,
  OUTPUT_FORMATS,
  REFINER_SWAP_METHODS,
  SAM_MODELS,
} from './enums.ts';
import { REQUEST_FIELDS, type CommonRequest, type FieldSpec, type FooocusRequest } from './fields.ts';

/** Free-string fields whose values the worker asserts on (G-19): strict output must use the list. */
const WORKER_CHECKED_STRINGS: Record<string, readonly string[]> = {
  output_format: OUTPUT_FORMATS,
  inpaint_engine: INPAINT_ENGINES,
  enhance_inpaint_engine: INPAINT_ENGINES,
  enhance_mask_cloth_category: CLOTH_CATEGORIES,
  enhance_mask_sam_model: SAM_MODELS,
  enhance_uov_processing_order: ENHANCE_UOV_ORDERS,
  enhance_uov_prompt_type: ENHANCE_UOV_PROMPT_TYPES,
  refiner_swap_method: REFINER_SWAP_METHODS,
};

function bounded<T extends z.ZodMiniNumber>(
  n: T,
  spec: { ge?: number | undefined; le?: number | undefined },
): T {
  if (spec.ge !== undefined) n = n.check(z.minimum(spec.ge));
  if (spec.le !== undefined) n = n.check(z.maximum(spec.le));
  return n;
}

function strictSpec(spec: FieldSpec, name: string): z.ZodMiniType {
  switch (spec.t) {
    case 'str': {
      const allowed = WORKER_CHECKED_STRINGS[name];
      const s = allowed ? z.enum(allowed as [string, ...string[]]) : z.string();
      return spec.nullable ? z.nullable(s) : s;
    }
    case 'int':
      return bounded(z.int(), spec);
    case 'float': {
      const n = bounded(z.number(), spec);
      return spec.nullable ? z.nullable(n) : n;
    }
    case 'bool':
      return z.boolean();
    case 'enum':
      return z.enum(spec.values as [string, ...string[]]);
    case 'list':
      return z.array(strictSpec(spec.item, name));
    case 'object': {
      // Fields the server marks required (Lora `enabled`, `model_name`: a 422 `missing` without them,
      // contract §3.5/§5.7) stay required; the others have server defaults and may be left out.
      const required = new Set(spec.required ?? []);
      return z.strictObject(
        Object.fromEntries(
          Object.entries(spec.fields).map(([k, f]) => {
            const inner = strictSpec(f, k);
            return [k, required.has(k) ? inner : z.optional(inner)];
          }),
        ),
      );
    }
  }
}

export function specDefault(spec: FieldSpec): unknown {
  if (spec.t === 'object')
    return Object.fromEntries(Object.entries(spec.fields).map(([k, f]) => [k, specDefault(f)]));
  return spec.default;
}

// pydantic lax-mode coercions for JSON input (contract §3 "general validation rules").
// classic zod's `z.preprocess(fn, schema)` is `z.pipe(z.transform(fn), schema)`; zod/mini spells it out.
const preprocess = <T extends z.ZodMiniType>(fn: (v: unknown) => unknown, schema: T) =>
  z.pipe(z.transform(fn), schema);
const laxBool = preprocess((v) => {
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (['true', 'yes', 'on', '1', 't', 'y'].includes(s)) return true;
    if (['false', 'no', 'off', '0', 'f', 'n'].includes(s)) return false;
  }
  if (v === 0 || v === 1) return v === 1;
  return v;
}, z.boolean());
const numeric = (v: unknown) =>
  typeof v === 'string' && v.trim() !== '' && !isNaN(Number(v)) ? Number(v) : v;

function laxSpec(spec: FieldSpec): z.ZodMiniType {
  switch (spec.t) {
    case 'str':
      return spec.nullable ? z.nullable(z.string()) : z.string();
    case 'int':
      return preprocess(numeric, bounded(z.int(), spec));
    case 'float': {
      const n = preprocess(numeric, bounded(z.number(), spec));
      return spec.nullable ? z.nullable(n) : n;
    }
    case 'bool':
      return laxBool;
    case 'enum':
      return z.enum(spec.values as [string, ...string[]]);
    case 'list':
      return z.array(laxSpec(spec.item));
    case 'object': {
      const required = new Set(spec.required ?? []);
      return z.object(
        Object.fromEntries(
          Object.entries(spec.fields).map(([k, f]) => {
            const inner = laxSpec(f);
            return [k, required.has(k) ? inner : z._default(inner, structuredClone(specDefault(f)) as never)];
          }),
        ),
      );
    }
  }
}

export const strictRequestSchema = z.strictObject(
  Object.fromEntries(Object.entries(REQUEST_FIELDS).map(([k, f]) => [k, z.optional(strictSpec(f, k))])),
) as unknown as z.ZodMiniType<FooocusRequest>;

export const laxRequestSchema = z.object(
  Object.fromEntries(
    Object.entries(REQUEST_FIELDS).map(([k, f]) => [
      k,
      z._default(laxSpec(f), () => structuredClone(specDefault(f)) as never),
    ]),
  ),
) as unknown as z.ZodMiniType<CommonRequest>;

/** A complete request holding every API default (what the server would assume for `{}`). */
export function defaultRequest(): CommonRequest {
  return laxRequestSchema.parse({});
}

/**
 * The strict schema of one request field (or enhance_ctrls item field), with the API default.
 * Node kinds build their parameter schemas from it, so ranges and enums are stated once.
 */
export function requestFieldSchema(spec: FieldSpec, name: string): z.ZodMiniType {
  return z._default(strictSpec(spec, name), structuredClone(specDefault(spec)) as never);
}
