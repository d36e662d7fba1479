/**
 * JSON the way the Python side of FooocusAPI reads and writes it.
 * - `parsePyJson` mirrors `json.loads`: same error messages and character offsets (FastAPI puts them
 *   into 422 `json_invalid` items), NaN/Infinity accepted, and integers beyond 2^53 kept exact as
 *   BigInt (seeds go up to 2^63-1, which a JS number cannot hold).
 * - `dumpPyJson` mirrors `json.dumps`: `", "`/`": "` separators (SSE events) or compact ones
 *   (Starlette JSONResponse), `\uXXXX` escapes for non-ASCII, BigInt as raw digits, and `PyFloat`
 *   for values Python prints with a decimal point (`100.0`).
 */

export class PyJsonError extends Error {
  constructor(
    readonly pyMessage: string,
    readonly pos: number,
  ) {
    super(`${pyMessage}: char ${pos}`);
  }
}

/** A number Python would print as a float (`100.0`), not an int. */
export class PyFloat {
  constructor(readonly value: number) {}
}

const WS = new Set([' ', '\t', '\n', '\r']);

export interface ParseOptions {
  /** Read float literals (`7.0`, `1e3`, NaN) as PyFloat, so a later dump writes them back as floats. */
  floats?: boolean;
}

export function parsePyJson(text: string, opts: ParseOptions = {}): unknown {
  let i = 0;
  const float = (n: number): number | PyFloat => (opts.floats ? new PyFloat(n) : n);
  const skipWs = () => {
    while (i < text.length && WS.has(text[i]!)) i++;
  };

  function parseString(): string {
    const start = i; // at the opening quote
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) throw new PyJsonError('Unterminated string starting at', start);
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch === '\\') {
        const esc = text[i + 1];
        if (esc === undefined) throw new PyJsonError('Unterminated string starting at', start);
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (esc in simple) {
          out += simple[esc];
          i += 2;
          continue;
        }
        if (esc === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PyJsonError('Invalid \\uXXXX escape', i + 1);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
          continue;
        }
        throw new PyJsonError('Invalid \\escape', i);
      }
      if (ch.charCodeAt(0) < 0x20) throw new PyJsonError('Invalid control character at', i);
      out += ch;
      i++;
    }
  }

  function parseNumber(): number | bigint | PyFloat | undefined {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return float(Number(m[0]));
  }

  function parseValue(): unknown {
    skipWs();
    const ch = text[i];
    if (ch === '"') return parseString();
    if (ch === '{') return parseObject();
    if (ch === '[') return parseArray();
    const literals: [string, unknown][] = [
      ['null', null],
      ['true', true],
      ['false', false],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ];
    for (const [word, value] of literals) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return typeof value === 'number' ? float(value) : value;
      }
    }
    const n = parseNumber();
    if (n === undefined) throw new PyJsonError('Expecting value', i);
    return n;
  }

  function parseObject(): Record<string, unknown> {
    i++;
    const out: Record<string, unknown> = {};
    skipWs();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      skipWs();
      if (text[i] !== '"') throw new PyJsonError('Expecting property name enclosed in double quotes', i);
      const key = parseString();
      skipWs();
      if (text[i] !== ':') throw new PyJsonError("Expecting ':' delimiter", i);
      i++;
      out[key] = parseValue();
      skipWs();
      if (text[i] === '}') {
        i++;
        return out;
      }
      if (text[i] !== ',') throw new PyJsonError("Expecting ',' delimiter", i);
      i++;
    }
  }

  function parseArray(): unknown[] {
    i++;
    const out: unknown[] = [];
    skipWs();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(parseValue());
      skipWs();
      if (text[i] === ']') {
        i++;
        return out;
      }
      if (text[i] !== ',') throw new PyJsonError("Expecting ',' delimiter", i);
      i++;
    }
  }

  const value = parseValue();
  skipWs();
  if (i !== text.length) throw new PyJsonError('Extra data', i);
  return value;
}

function escapeString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) {
      // ensure_ascii: astral characters become a surrogate pair, as in Python.
      for (let k = 0; k < ch.length; k++) out += '\\u' + ch.charCodeAt(k).toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return Number.isInteger(n) && Math.abs(n) < 1e16 ? n.toFixed(1) : String(n);
}

export interface DumpOptions {
  /** Python json.dumps default separators (", ", ": ") instead of Starlette's compact ones. */
  spaced?: boolean;
}

export function dumpPyJson(value: unknown, opts: DumpOptions = {}): string {
  const comma = opts.spaced ? ', ' : ',';
  const colon = opts.spaced ? ': ' : ':';
  const dump = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (v instanceof PyFloat) return pyFloatRepr(v.value);
    switch (typeof v) {
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return v.toString();
      case 'number':
        if (!Number.isFinite(v)) return pyFloatRepr(v);
        return String(v);
      case 'string':
        return escapeString(v);
      case 'object':
        if (Array.isArray(v)) return '[' + v.map(dump).join(comma) + ']';
        return (
          '{' +
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .map(([k, x]) => escapeString(k) + colon + dump(x))
            .join(comma) +
          '}'
        );
      default:
        return 'null';
    }
  };
  return dump(value);
}
