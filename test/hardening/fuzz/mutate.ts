/**
 * Input makers for the fuzz harness: byte- and character-level mutations of real seeds, structural
 * mutations of their JSON (values swapped for hostile ones, keys added or dropped, lists blown up,
 * deep nesting), truncations, and random JSON.
 */
import type { Rng } from './prng.ts';

/** Strings that have broken parsers before: control codes, bidi, prototype keys, huge numbers. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u001b]0;pwned\u0007\u001b[2J',
  '\u202eevil',
  '\ud800',
  '__proto__',
  'constructor',
  'toString',
  'data:image/png;base64,',
  'data:image/png;base64,iVBORw0KGgo=',
  'asset:' + 'a'.repeat(64),
  'http://127.0.0.1:9/x.png',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '1152*896',
  '1152x896',
  'None',
  'null',
  '中文提示词',
  'x'.repeat(5000),
];

const NASTY_NUMBERS = [
  0,
  -1,
  1,
  32,
  33,
  0.5,
  -0,
  1e308,
  -1e308,
  2 ** 53,
  2 ** 63,
  1e-320,
  Number.MAX_SAFE_INTEGER + 2,
];

export function randomJson(rng: Rng, depth = 0): unknown {
  const r = rng.int(depth > 3 ? 4 : 7);
  switch (r) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.chance(0.5) ? rng.pick(NASTY_NUMBERS) : rng.next() * 10 ** rng.int(12) - 5;
    case 3:
      return rng.chance(0.6) ? rng.pick(NASTY_STRINGS) : randomText(rng, rng.int(20));
    case 4:
    case 5: {
      // Now and then a list just over the 1000-item bound, of small items (inputs stay small).
      if (rng.chance(0.05)) return Array.from({ length: 1000 + rng.int(20) }, () => rng.int(3));
      return Array.from({ length: rng.int(6) }, () => randomJson(rng, depth + 1));
    }
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(6); i > 0; i--)
        o[rng.chance(0.3) ? rng.pick(NASTY_STRINGS) : randomText(rng, 1 + rng.int(8))] = randomJson(
          rng,
          depth + 1,
        );
      return o;
    }
  }
}

export function randomText(rng: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    const r = rng.int(10);
    s += String.fromCharCode(
      r < 6 ? 32 + rng.int(95) : r < 8 ? rng.int(32) : r < 9 ? 0x80 + rng.int(0x780) : 0x4e00 + rng.int(500),
    );
  }
  return s;
}

/** A value nested `depth` levels in arrays or objects. */
function deep(rng: Rng, depth: number): string {
  const obj = rng.chance(0.5);
  return (obj ? '{"a":'.repeat(depth) : '['.repeat(depth)) + '1' + (obj ? '}' : ']').repeat(depth);
}

/** Walks to a random place in a JSON value and changes it. */
function mutateJsonValue(rng: Rng, root: unknown): unknown {
  if (root === null || typeof root !== 'object' || rng.chance(0.15)) return randomJson(rng);
  const container = root as Record<string, unknown>;
  const keys = Object.keys(container);
  if (keys.length === 0) return randomJson(rng);
  const key = rng.pick(keys);
  const action = rng.int(10);
  if (action === 0) delete container[key];
  else if (action === 1) container[rng.pick(NASTY_STRINGS)] = randomJson(rng);
  else if (action === 2) container[key] = randomJson(rng);
  else if (action === 3 && Array.isArray(container[key]))
    container[key] = Array.from({ length: 990 + rng.int(30) }, () => rng.pick([1, 'x', null, {}]));
  else container[key] = mutateJsonValue(rng, container[key]);
  return root;
}

/** One mutated input from a text seed (which is usually JSON). */
export function mutateText(rng: Rng, seed: string): string {
  const op = rng.int(12);
  if (op <= 3) {
    try {
      let v = JSON.parse(seed) as unknown;
      for (let k = 1 + rng.int(3); k > 0; k--) v = mutateJsonValue(rng, v);
      return JSON.stringify(v) ?? 'null';
    } catch {
      // not JSON: fall through to a text mutation
    }
  }
  const at = rng.int(seed.length + 1);
  switch (op) {
    case 4:
      return seed.slice(0, at); // truncation
    case 5:
      return seed.slice(0, at) + randomText(rng, 1 + rng.int(8)) + seed.slice(at);
    case 6: {
      const end = at + rng.int(64);
      return seed.slice(0, at) + seed.slice(end);
    }
    case 7: {
      const end = Math.min(seed.length, at + rng.int(200));
      return seed.slice(0, end) + seed.slice(at, end) + seed.slice(end); // duplication
    }
    case 8:
      return seed.slice(0, at) + deep(rng, 50 + rng.int(3000)) + seed.slice(at);
    case 9:
      return JSON.stringify(randomJson(rng));
    case 10: {
      // A character swapped for a structural one.
      const c = rng.pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', '\n', '\r', '\u2028']);
      return seed.slice(0, at) + c + seed.slice(at + 1);
    }
    default: {
      let s = seed;
      for (let k = 1 + rng.int(4); k > 0; k--) {
        const i = rng.int(s.length + 1);
        s = s.slice(0, i) + String.fromCharCode(rng.int(0x3000)) + s.slice(i + 1);
      }
      return s;
    }
  }
}

/** One mutated input from a byte seed (an image file). */
export function mutateBytes(rng: Rng, seed: Uint8Array): Uint8Array {
  const out = Uint8Array.from(seed);
  const op = rng.int(6);
  if (op === 0) return out.subarray(0, rng.int(out.length + 1));
  if (op === 1) {
    // Header fields: width/height/lengths set to extremes.
    const at = rng.int(Math.min(out.length, 64));
    for (let k = 0; k < 4 && at + k < out.length; k++)
      out[at + k] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(256)]);
    return out;
  }
  if (op === 2) {
    const n = 1 + rng.int(8);
    for (let k = 0; k < n; k++) if (out.length) out[rng.int(out.length)] = rng.int(256);
    return out;
  }
  if (op === 3) {
    const noise = new Uint8Array(rng.int(4096));
    for (let i = 0; i < noise.length; i++) noise[i] = rng.int(256);
    return Uint8Array.from([...out.subarray(0, Math.min(out.length, 8 + rng.int(40))), ...noise]);
  }
  if (op === 4) {
    // A run of 0xFF (JPEG fill bytes / markers) in the middle.
    const at = rng.int(out.length + 1);
    return Uint8Array.from([
      ...out.subarray(0, at),
      ...new Uint8Array(rng.int(3000)).fill(0xff),
      ...out.subarray(at),
    ]);
  }
  const junk = new Uint8Array(rng.int(64));
  for (let i = 0; i < junk.length; i++) junk[i] = rng.int(256);
  return junk;
}
