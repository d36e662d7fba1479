/**
 * A pydantic-v2 (lax mode) validator driven by the request field table of compiler/request/fields.ts.
 * It answers exactly what FastAPI would put into a 422 `{"detail": [...]}`: the same `type`, `loc`,
 * `msg`, `input` and `ctx` per error, all errors collected in field order, unknown keys ignored.
 */
import type { FieldSpec } from '../../contract/fields.ts';
import { specDefault } from '../../contract/schema.ts';

export type Loc = (string | number)[];

export interface PydanticError {
  type: string;
  loc: Loc;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export interface Validated<T> {
  value: T;
  errors: PydanticError[];
}

const TRUE_STRINGS = ['1', 'on', 't', 'true', 'y', 'yes'];
const FALSE_STRINGS = ['0', 'off', 'f', 'false', 'n', 'no'];

/** Python's repr() of a str, as pydantic prints enum members in its messages. */
function pyRepr(s: string): string {
  return s.includes("'") && !s.includes('"')
    ? `"${s}"`
    : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** "'a', 'b' or 'c'" — the expected-values list of pydantic's `enum` error. */
export function expectedList(values: readonly string[]): string {
  const quoted = values.map(pyRepr);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Result = { ok: true; value: unknown } | { ok: false };

class Walker {
  readonly errors: PydanticError[] = [];

  fail(type: string, loc: Loc, msg: string, input: unknown, ctx?: Record<string, unknown>): Result {
    this.errors.push(ctx ? { type, loc, msg, input, ctx } : { type, loc, msg, input });
    return { ok: false };
  }

  bounds(
    n: number | bigint,
    spec: { ge?: number | undefined; le?: number | undefined },
    loc: Loc,
    input: unknown,
  ) {
    if (spec.ge !== undefined && n < spec.ge)
      return this.fail(
        'greater_than_equal',
        loc,
        `Input should be greater than or equal to ${spec.ge}`,
        input,
        {
          ge: spec.ge,
        },
      );
    if (spec.le !== undefined && n > spec.le)
      return this.fail('less_than_equal', loc, `Input should be less than or equal to ${spec.le}`, input, {
        le: spec.le,
      });
    return { ok: true as const, value: n };
  }

  int(spec: Extract<FieldSpec, { t: 'int' }>, v: unknown, loc: Loc): Result {
    let n: number | bigint;
    if (typeof v === 'boolean') n = v ? 1 : 0;
    else if (typeof v === 'bigint') n = v;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return this.fail('finite_number', loc, 'Input should be a finite number', v);
      if (!Number.isInteger(v))
        return this.fail(
          'int_from_float',
          loc,
          'Input should be a valid integer, got a number with a fractional part',
          v,
        );
      n = v;
    } else if (typeof v === 'string') {
      const m = /^\s*([+-]?\d+)(?:\.0*)?\s*$/.exec(v);
      if (!m)
        return this.fail(
          'int_parsing',
          loc,
          'Input should be a valid integer, unable to parse string as an integer',
          v,
        );
      const big = BigInt(m[1]!);
      n =
        big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    } else return this.fail('int_type', loc, 'Input should be a valid integer', v);
    return this.bounds(n, spec, loc, v);
  }

  float(spec: Extract<FieldSpec, { t: 'float' }>, v: unknown, loc: Loc): Result {
    if (v === null && spec.nullable) return { ok: true, value: null };
    let n: number;
    if (typeof v === 'boolean') n = v ? 1 : 0;
    else if (typeof v === 'number') n = v;
    else if (typeof v === 'bigint') n = Number(v);
    else if (typeof v === 'string') {
      const s = v.trim();
      if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) n = Number(s);
      else if (/^[+-]?(inf|infinity)$/i.test(s)) n = s.startsWith('-') ? -Infinity : Infinity;
      else if (/^[+-]?nan$/i.test(s)) n = NaN;
      else
        return this.fail(
          'float_parsing',
          loc,
          'Input should be a valid number, unable to parse string as a number',
          v,
        );
    } else return this.fail('float_type', loc, 'Input should be a valid number', v);
    return this.bounds(n, spec, loc, v);
  }

  bool(v: unknown, loc: Loc): Result {
    if (typeof v === 'boolean') return { ok: true, value: v };
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (Number(v) === 0 || Number(v) === 1) return { ok: true, value: Number(v) === 1 };
      return this.fail('bool_parsing', loc, 'Input should be a valid boolean, unable to interpret input', v);
    }
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (TRUE_STRINGS.includes(s)) return { ok: true, value: true };
      if (FALSE_STRINGS.includes(s)) return { ok: true, value: false };
      return this.fail('bool_parsing', loc, 'Input should be a valid boolean, unable to interpret input', v);
    }
    return this.fail('bool_type', loc, 'Input should be a valid boolean', v);
  }

  object(fields: Record<string, FieldSpec>, required: readonly string[], v: unknown, loc: Loc): Result {
    if (!isDict(v))
      return this.fail(
        'model_attributes_type',
        loc,
        'Input should be a valid dictionary or object to extract fields from',
        v,
      );
    const out: Record<string, unknown> = {};
    let ok = true;
    for (const [key, spec] of Object.entries(fields)) {
      if (!(key in v)) {
        if (required.includes(key)) {
          this.fail('missing', [...loc, key], 'Field required', v);
          ok = false;
        } else out[key] = structuredClone(specDefault(spec));
        continue;
      }
      const r = this.value(spec, v[key], [...loc, key]);
      if (r.ok) out[key] = r.value;
      else ok = false;
    }
    return ok ? { ok: true, value: out } : { ok: false };
  }

  value(spec: FieldSpec, v: unknown, loc: Loc): Result {
    switch (spec.t) {
      case 'str':
        if (typeof v === 'string' || (v === null && spec.nullable)) return { ok: true, value: v };
        return this.fail('string_type', loc, 'Input should be a valid string', v);
      case 'int':
        return this.int(spec, v, loc);
      case 'float':
        return this.float(spec, v, loc);
      case 'bool':
        return this.bool(v, loc);
      case 'enum': {
        if (typeof v === 'string' && spec.values.includes(v)) return { ok: true, value: v };
        const expected = expectedList(spec.values);
        return this.fail('enum', loc, `Input should be ${expected}`, v, { expected });
      }
      case 'list': {
        if (!Array.isArray(v)) return this.fail('list_type', loc, 'Input should be a valid list', v);
        const out: unknown[] = [];
        let ok = true;
        v.forEach((item, idx) => {
          const r = this.value(spec.item, item, [...loc, idx]);
          if (r.ok) out.push(r.value);
          else ok = false;
        });
        return ok ? { ok: true, value: out } : { ok: false };
      }
      case 'object':
        return this.object(spec.fields, spec.required ?? [], v, loc);
    }
  }
}

/**
 * Validates a parsed JSON body against a model's field table. `body` is `undefined` for an empty
 * request body (FastAPI reports the whole body as missing).
 */
export function validateModel<T>(
  fields: Record<string, FieldSpec>,
  body: unknown,
  required: readonly string[] = [],
): Validated<T | undefined> {
  const walker = new Walker();
  if (body === undefined) {
    walker.fail('missing', ['body'], 'Field required', null);
    return { value: undefined, errors: walker.errors };
  }
  const r = walker.object(fields, required, body, ['body']);
  return { value: r.ok ? (r.value as T) : undefined, errors: walker.errors };
}

/** Validates one query parameter (FastAPI `loc: ["query", name]`). */
export function validateQueryValue(
  spec: FieldSpec,
  name: string,
  raw: string | undefined,
): Validated<unknown> {
  const walker = new Walker();
  if (raw === undefined) return { value: specDefault(spec), errors: [] };
  const r = walker.value(spec, raw, ['query', name]);
  return { value: r.ok ? r.value : undefined, errors: walker.errors };
}
