/**
 * A JSON path as the user reads it in an error: `nodes[3].params.prompt`. A key that is not a plain
 * name (empty, with dots, colons, spaces or control characters — anything a hostile file can use)
 * is written quoted and escaped, `assets["data:image/png…"]`, so the path stays one unambiguous
 * token, and a very long key is cut so one key cannot flood the error list.
 */
/** Names, and also an asset's hex hash (64 characters): written dotted as they are. */
const PLAIN_KEY = /^[A-Za-z0-9_$][A-Za-z0-9_$-]*$/;
export const MAX_KEY_SHOWN = 80;

function quotedKey(key: string): string {
  const shown = key.length > MAX_KEY_SHOWN ? `${key.slice(0, MAX_KEY_SHOWN)}…` : key;
  return `[${JSON.stringify(shown)}]`;
}

/** One more step after `prefix` (which may be empty). */
export function pathStep(prefix: string, step: PropertyKey): string {
  if (typeof step === 'number') return `${prefix}[${step}]`;
  const key = String(step);
  if (key.length > MAX_KEY_SHOWN || !PLAIN_KEY.test(key)) return `${prefix}${quotedKey(key)}`;
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** The whole path, after an optional prefix; `(top level)` when both are empty. */
export function jsonPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const step of path) out = pathStep(out, step);
  return out || '(top level)';
}
