/**
 * A small Python tokenizer for request snippets (`params = {...}` in the FooocusAPI documents and
 * the editor's "Copy as Python"). One pass over the text, no backtracking, no eval: names, numbers,
 * strings (with their escapes decoded), single-character operators and the newlines that end a
 * statement at bracket depth 0. Comments and backslash continuations are skipped.
 */

export type PyToken =
  | { type: 'name'; value: string; at: number }
  | { type: 'number'; value: number; raw: string; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'op'; value: string; at: number }
  | { type: 'newline'; at: number };

export class PySyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const NAME_START = /[A-Za-z_\u00c0-\uffff]/;
const NAME_PART = /[A-Za-z0-9_\u00c0-\uffff]/;
const NUMBER =
  /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?\.?)/y;

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};

function pyNumber(raw: string, at: number): number {
  const clean = raw.replace(/_/g, '');
  const value = /^0[xob]/i.test(clean) ? Number(clean.toLowerCase()) : Number(clean);
  if (!Number.isFinite(value)) throw new PySyntaxError(`"${raw.slice(0, 20)}" is not a number`, at);
  return value;
}

/** Reads a string literal starting at `i` (its prefix already read); returns the value and the end. */
function readString(text: string, i: number, raw: boolean): { value: string; end: number } {
  const q = text[i]!;
  const triple = text.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  let j = i + close.length;
  let out = '';
  // Plain runs are copied whole: a 10 MB base64 image is one slice, not ten million appends.
  const plain = q === '"' ? /[^"\\\n]+/y : /[^'\\\n]+/y;
  for (;;) {
    plain.lastIndex = j;
    const run = plain.exec(text);
    if (run) {
      out += run[0];
      j += run[0].length;
    }
    if (j >= text.length) throw new PySyntaxError('a string is not closed', i);
    const c = text[j]!;
    if (text.startsWith(close, j)) return { value: out, end: j + close.length };
    if (c === '\n' && !triple)
      throw new PySyntaxError('a string is not closed before the end of its line', i);
    if (c !== '\\') {
      out += c;
      j++;
      continue;
    }
    const e = text[j + 1] ?? '';
    if (raw) {
      out += c + e;
      j += 2;
      continue;
    }
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      j += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = text.slice(j + 2, j + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex))
        throw new PySyntaxError(`a \\${e} escape needs ${n} hex digits`, j);
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw new PySyntaxError(`\\${e}${hex} is not a character`, j);
      out += String.fromCodePoint(code);
      j += 2 + n;
    } else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(text.slice(j + 1, j + 4))![0];
      out += String.fromCharCode(parseInt(oct, 8));
      j += 1 + oct.length;
    } else {
      // Python keeps an unknown escape as it is (with a warning).
      out += c + e;
      j += 2;
    }
  }
}

/**
 * A request is a few hundred tokens (its images are one token each); a text of millions of tiny
 * tokens is refused instead of costing seconds and memory.
 */
export const MAX_TOKENS = 100_000;

export function tokenizePython(text: string): PyToken[] {
  const tokens: PyToken[] = [];
  let depth = 0;
  let i = 0;
  const pushNewline = (at: number) => {
    if (depth === 0 && tokens.length && tokens[tokens.length - 1]!.type !== 'newline')
      tokens.push({ type: 'newline', at });
  };
  while (i < text.length) {
    if (tokens.length > MAX_TOKENS)
      throw new PySyntaxError(`more than ${MAX_TOKENS} words and symbols: too long for a request`, i);
    const c = text[i]!;
    if (c === '\n' || c === ';') {
      pushNewline(i);
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') i++;
    else if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
    } else if (c === '"' || c === "'") {
      const s = readString(text, i, false);
      tokens.push({ type: 'string', value: s.value, at: i });
      i = s.end;
    } else if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < text.length && NAME_PART.test(text[j]!)) j++;
      const name = text.slice(i, j);
      const q = text[j];
      if ((q === '"' || q === "'") && /^[rRbBuUfF]{1,2}$/.test(name)) {
        if (/[bB]/.test(name)) throw new PySyntaxError('a bytes literal (b"…") is not a request value', i);
        const s = readString(text, j, /[rR]/.test(name));
        tokens.push({ type: 'string', value: s.value, at: i });
        i = s.end;
      } else {
        tokens.push({ type: 'name', value: name, at: i });
        i = j;
      }
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      const raw = m?.[0] || c;
      tokens.push({ type: 'number', value: pyNumber(raw, i), raw, at: i });
      i += raw.length;
    } else {
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
      tokens.push({ type: 'op', value: c, at: i });
      i++;
    }
  }
  pushNewline(text.length);
  return tokens;
}
