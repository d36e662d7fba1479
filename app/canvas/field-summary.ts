import type { FieldInfo } from '../lib/schema-fields.ts';
import type { LocalText } from '../../nodes/types.ts';
import { choiceLabel } from '../i18n/enum-labels.ts';

/** Longest text a compact (zoomed-out) node shows for one value. */
const MAX = 48;

const clip = (s: string) => (s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s);

/**
 * One field's value as short read-only text, for the compact body a node shows when the canvas is
 * zoomed out (level of detail: no live form controls there).
 */
export function summarizeField(
  info: FieldInfo,
  value: unknown,
  l: (s: LocalText | undefined) => string,
  text: { empty: string; random: string; on: string; off: string; noImage: string; image: string },
): string {
  switch (info.widget) {
    case 'textarea':
    case 'text':
    case 'model': {
      const s = String(value ?? '')
        .replace(/\s+/g, ' ')
        .trim();
      return s ? clip(s) : text.empty;
    }
    case 'checkbox':
      return value ? text.on : text.off;
    case 'select':
      return clip(choiceLabel(info, String(value), l));
    case 'seed':
      return value === -1 ? text.random : String(value);
    case 'slider':
    case 'number':
      return value === null || value === undefined ? text.empty : String(value);
    case 'image':
      return typeof value === 'string' && value ? text.image : text.noImage;
    case 'directions': {
      const arr = Array.isArray(value) ? (value as unknown[]).map(String) : [];
      return arr.length
        ? clip(arr.map((o) => choiceLabel(info.element ?? info, o, l)).join(', '))
        : text.empty;
    }
    case 'styles': {
      const arr = Array.isArray(value) ? (value as unknown[]).map(String) : [];
      return arr.length ? clip(arr.join(', ')) : text.empty;
    }
    case 'loras': {
      const arr = Array.isArray(value) ? (value as { enabled?: boolean; model_name?: string }[]) : [];
      const on = arr.filter((x) => x.enabled !== false && x.model_name && x.model_name !== 'None');
      return on.length ? clip(on.map((x) => x.model_name).join(', ')) : text.empty;
    }
    case 'distances':
      return Array.isArray(value) ? (value as unknown[]).join(' · ') : text.empty;
    default:
      return clip(JSON.stringify(value) ?? text.empty);
  }
}
