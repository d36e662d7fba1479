import * as z from '../contract/zod-mini.ts';
import type { LocalText } from './types.ts';

/**
 * UI metadata for one parameter. The inspector generates its form from the zod schema (type, range,
 * enum values) plus this metadata (label, help, widget, group), so a field is described once.
 */
export interface FieldMeta {
  label: LocalText;
  help?: LocalText;
  /** Overrides the widget the schema implies. */
  widget?:
    'textarea' | 'slider' | 'image' | 'styles' | 'loras' | 'directions' | 'distances' | 'seed' | 'model';
  /** Inspector section; fields without a group go in the main section. */
  group?: 'advanced' | 'mask' | 'inpaint' | 'output';
  step?: number;
  /** Labels for enum values, when the raw value is not readable by itself. */
  choiceLabels?: Record<string, LocalText>;
}

export const fieldMeta = z.registry<FieldMeta>();

/** Attach UI metadata to a schema and return the schema, so field definitions read top to bottom. */
export function field<T extends z.core.$ZodType>(schema: T, meta: FieldMeta): T {
  fieldMeta.add(schema, meta);
  return schema;
}

export function t(en: string, zh: string): LocalText {
  return { en, zh };
}
