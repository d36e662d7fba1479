import type { ZodMiniType } from 'zod/mini';
import { ENHANCE_CTRL_FIELDS, REQUEST_FIELDS, type SpecValue } from '../contract/fields.ts';
import { requestFieldSchema } from '../contract/schema.ts';
import { field, type FieldMeta } from './field.ts';

/**
 * A node parameter that is exactly one request field: same name, type, range and default as the API
 * (fooocusapi-contract §3), plus UI metadata. Keeping the request's own names makes provenance and
 * decompile a 1:1 mapping and lets FooocusAPI users recognise every field.
 */
export function requestParam<K extends keyof typeof REQUEST_FIELDS>(
  name: K,
  meta: FieldMeta,
): ZodMiniType<SpecValue<(typeof REQUEST_FIELDS)[K]>> {
  // The schema is built from the runtime field table; its static type is the spec value type. One cast, here.
  return field(requestFieldSchema(REQUEST_FIELDS[name], name), meta) as never;
}

export function enhanceParam<K extends keyof typeof ENHANCE_CTRL_FIELDS>(
  name: K,
  meta: FieldMeta,
): ZodMiniType<SpecValue<(typeof ENHANCE_CTRL_FIELDS)[K]>> {
  return field(requestFieldSchema(ENHANCE_CTRL_FIELDS[name], name), meta) as never;
}
