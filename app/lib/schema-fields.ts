import { util, type ZodMiniType } from 'zod/mini';
import { fieldMeta, type FieldMeta } from '../../nodes/field.ts';
import type { NodeKind } from '../../nodes/types.ts';

/**
 * What the inspector needs to know about one parameter, read from its zod schema (type, range,
 * choices) and the field metadata registry (label, help, widget, group).
 */
export interface FieldInfo {
  key: string;
  schema: ZodMiniType;
  meta: FieldMeta | undefined;
  type: 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'object' | 'unknown';
  nullable: boolean;
  min?: number | undefined;
  max?: number | undefined;
  int?: boolean | undefined;
  options?: string[] | undefined;
  element?: FieldInfo | undefined;
  widget: Widget;
}

export type Widget =
  | 'textarea'
  | 'slider'
  | 'image'
  | 'styles'
  | 'loras'
  | 'directions'
  | 'distances'
  | 'seed'
  | 'model'
  | 'select'
  | 'checkbox'
  | 'number'
  | 'text'
  | 'json';

interface Def {
  type: string;
  innerType?: ZodMiniType;
  element?: ZodMiniType;
}

interface CheckDef {
  check?: string;
  value?: number;
  inclusive?: boolean;
  format?: keyof typeof util.NUMBER_FORMAT_RANGES;
}

/**
 * A number schema's range and integer-ness, read from its checks (an int format schema is its own
 * first check) as classic zod's `minValue`/`maxValue`/`isInt` read them; zod/mini has no such getters.
 */
function numberRange(s: ZodMiniType): { min: number; max: number; int: boolean } {
  const own = s._zod.def as CheckDef & { checks?: { _zod: { def: CheckDef } }[] };
  const defs = [...(own.check ? [own] : []), ...(own.checks ?? []).map((c) => c._zod.def)];
  let min = -Infinity;
  let max = Infinity;
  let int = false;
  for (const d of defs) {
    if (d.check === 'greater_than' && d.value !== undefined) min = Math.max(min, d.value);
    else if (d.check === 'less_than' && d.value !== undefined) max = Math.min(max, d.value);
    else if (d.check === 'multiple_of') int ||= Number.isSafeInteger(d.value);
    else if (d.check === 'number_format' && d.format) {
      const [lo, hi] = util.NUMBER_FORMAT_RANGES[d.format];
      min = Math.max(min, lo);
      max = Math.min(max, hi);
      int ||= d.format.includes('int');
    }
  }
  return { min, max, int };
}

const defOf = (s: ZodMiniType) => (s as unknown as { def: Def }).def;

function describe(key: string, schema: ZodMiniType): FieldInfo {
  const meta = fieldMeta.get(schema);
  let inner = schema;
  let nullable = false;
  for (;;) {
    const d = defOf(inner);
    if (
      (d.type === 'default' || d.type === 'optional' || d.type === 'nullable' || d.type === 'prefault') &&
      d.innerType
    ) {
      if (d.type === 'nullable') nullable = true;
      inner = d.innerType;
    } else break;
  }
  const d = defOf(inner);
  const info: FieldInfo = { key, schema, meta, type: 'unknown', nullable, widget: 'json' };
  if (d.type === 'string') info.type = 'string';
  else if (d.type === 'number') {
    info.type = 'number';
    const { min, max, int } = numberRange(inner);
    info.min = Number.isFinite(min) ? min : undefined;
    info.max = Number.isFinite(max) && max < 1e12 ? max : undefined;
    info.int = int;
  } else if (d.type === 'boolean') info.type = 'boolean';
  else if (d.type === 'enum') {
    info.type = 'enum';
    info.options = [...(inner._zod.values ?? [])] as string[];
  } else if (d.type === 'array') {
    info.type = 'array';
    if (d.element) info.element = describe(`${key}[]`, d.element);
  } else if (d.type === 'object') info.type = 'object';
  info.widget = widgetFor(info);
  return info;
}

function widgetFor(f: FieldInfo): Widget {
  const w = f.meta?.widget;
  if (w === 'slider') return f.min !== undefined && f.max !== undefined ? 'slider' : 'number';
  if (w) return w;
  switch (f.type) {
    case 'string':
      return 'text';
    case 'number':
      return 'number';
    case 'boolean':
      return 'checkbox';
    case 'enum':
      return 'select';
    default:
      return 'json';
  }
}

const cache = new WeakMap<NodeKind, FieldInfo[]>();

export function kindFields(kind: NodeKind): FieldInfo[] {
  let out = cache.get(kind);
  if (!out) {
    out = Object.entries(kind.params.shape as Record<string, ZodMiniType>).map(([k, s]) => describe(k, s));
    cache.set(kind, out);
  }
  return out;
}

export function fieldError(f: FieldInfo, value: unknown): string | null {
  const r = f.schema.safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? 'invalid');
}
