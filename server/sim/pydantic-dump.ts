/**
 * pydantic's `model_dump_json()` of a validated request: every field declared `float` is written as a
 * float (`7.0`, `1.0`) even when the client sent an int. FooocusAPI stores that dump as `req_params`.
 */
import type { FieldSpec } from '../../contract/fields.ts';
import { PyFloat } from './pyjson.ts';

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PyFloat);
}

function convert(spec: FieldSpec, v: unknown): unknown {
  switch (spec.t) {
    case 'float':
      return typeof v === 'number' ? new PyFloat(v) : v;
    case 'list':
      return Array.isArray(v) ? v.map((x) => convert(spec.item, x)) : v;
    case 'object':
      return isDict(v) ? withPyFloats(spec.fields, v) : v;
    default:
      return v;
  }
}

/** A copy of `value` with the numbers of float fields wrapped in PyFloat; other keys are kept as is. */
export function withPyFloats(
  fields: Record<string, FieldSpec>,
  value: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const spec = fields[key];
    out[key] = spec ? convert(spec, v) : v;
  }
  return out;
}
