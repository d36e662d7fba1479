import type { Provenance } from '../../compiler/types.ts';
import { assetHashOf, describeAsset, type AssetMeta } from '../../nodes/assets.ts';

/** One line of the pretty-printed request, with the dotted request path it shows. */
export interface RequestLine {
  path: string;
  indent: number;
  key?: string | undefined;
  text: string;
  /** True for the closing bracket of an object/array (not clickable on its own). */
  closing?: boolean;
}

const MAX_STRING = 72;

/**
 * Strings are shortened for reading: an image shows its type and size, not its bytes — an asset as
 * `<image 4000×3000 JPEG, 7.5 MB>` (from the document's metadata), an inline one by its data URL head.
 */
export function shortValue(v: unknown, assets: Readonly<Record<string, AssetMeta>> = {}): string {
  if (typeof v !== 'string') return JSON.stringify(v);
  const hash = assetHashOf(v);
  if (hash) {
    const meta = assets[hash];
    return meta ? describeAsset(meta) : `<image ${hash.slice(0, 12)}…>`;
  }
  const m = /^data:([^;,]+)[^,]*,/.exec(v);
  if (m) {
    const kb = ((v.length - m[0].length) * 0.75) / 1024;
    return `"${v.slice(0, m[0].length + 12)}…" (${m[1]}, ${kb.toFixed(1)} kB)`;
  }
  const s = JSON.stringify(v);
  return s.length > MAX_STRING ? `${s.slice(0, MAX_STRING - 1)}…"` : s;
}

export function requestLines(
  value: unknown,
  assets: Readonly<Record<string, AssetMeta>> = {},
): RequestLine[] {
  const out: RequestLine[] = [];
  const walk = (v: unknown, path: string, indent: number, key: string | undefined, comma: boolean) => {
    const c = comma ? ',' : '';
    const isArr = Array.isArray(v);
    const entries: [string, unknown][] =
      v && typeof v === 'object'
        ? isArr
          ? (v as unknown[]).map((x, i) => [String(i), x])
          : Object.entries(v as Record<string, unknown>)
        : [];
    if (v && typeof v === 'object' && entries.length > 0) {
      out.push({ path, indent, key, text: isArr ? '[' : '{' });
      entries.forEach(([k, x], i) =>
        walk(x, path ? `${path}.${k}` : k, indent + 1, isArr ? undefined : k, i < entries.length - 1),
      );
      out.push({ path, indent, text: `${isArr ? ']' : '}'}${c}`, closing: true });
      return;
    }
    out.push({ path, indent, key, text: `${shortValue(v, assets)}${c}` });
  };
  walk(value, '', 0, undefined, false);
  return out;
}

/** The provenance entries for a path: exact, else the nearest enclosing path that has one. */
export function ownersOf(path: string, provenance: Provenance) {
  const parts = path ? path.split('.') : [];
  for (let n = parts.length; n > 0; n--) {
    const e = provenance[parts.slice(0, n).join('.')];
    if (e?.length) return e;
  }
  return [];
}

/** Paths produced by any of `nodeIds` (a produced path also covers everything under it). */
export function pathsOf(nodeIds: readonly string[], provenance: Provenance): Set<string> {
  const want = new Set(nodeIds);
  const out = new Set<string>();
  for (const [p, entries] of Object.entries(provenance))
    if (entries.some((e) => want.has(e.nodeId))) out.add(p);
  return out;
}

export function isCovered(path: string, paths: Set<string>): boolean {
  if (paths.size === 0 || !path) return false;
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) if (paths.has(parts.slice(0, n).join('.'))) return true;
  return false;
}
