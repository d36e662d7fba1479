import type { z } from 'zod';
import { fieldMeta, type FieldMeta } from '../../nodes/field.ts';
import type { NodeKind } from '../../nodes/types.ts';

/**
 * What the inspector needs to know about one parameter, read from its zod schema (type, range,
 * choices) and the field metadata registry (label, help, widget, group).
 */
export interface FieldInfo {
  key: string;
  schema: z.ZodType;
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
  innerType?: z.ZodType;
  element?: z.ZodType;
}

const defOf = (s: z.ZodType) => (s as unknown as { def: Def }).def;

function describe(key: string, schema: z.ZodType): FieldInfo {
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
  const any = inner as unknown as {
    minValue?: number | null;
    maxValue?: number | null;
    isInt?: boolean;
    options?: string[];
  };
  if (d.type === 'string') info.type = 'string';
  else if (d.type === 'number') {
    info.type = 'number';
    info.min = Number.isFinite(any.minValue) ? (any.minValue as number) : undefined;
    info.max =
      Number.isFinite(any.maxValue) && (any.maxValue as number) < 1e12 ? (any.maxValue as number) : undefined;
    info.int = any.isInt;
  } else if (d.type === 'boolean') info.type = 'boolean';
  else if (d.type === 'enum') {
    info.type = 'enum';
    info.options = any.options;
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
    out = Object.entries(kind.params.shape as Record<string, z.ZodType>).map(([k, s]) => describe(k, s));
    cache.set(kind, out);
  }
  return out;
}

export function fieldError(f: FieldInfo, value: unknown): string | null {
  const r = f.schema.safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? 'invalid');
}
