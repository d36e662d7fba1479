/**
 * Reads one Python literal (dict, list, tuple, str, int, float, True/False/None) from the tokens
 * of `python-tokens.ts` into the JSON value it stands for. Trailing commas, adjacent strings
 * ("a" "b") and a leading minus are Python's; anything else (a call, a variable, a set) is refused
 * with what was found, never evaluated.
 */
import { PySyntaxError, type PyToken } from './python-tokens.ts';

/** Deeper than any request (enhance_ctrls → item → value is 3): refuses pathological nesting. */
const MAX_DEPTH = 32;

/** A request's longest list is far shorter (list-limits.ts refuses over 1000 later, with the path). */
const MAX_ITEMS = 10_000;

const CONSTANTS: Record<string, unknown> = { True: true, False: false, None: null };

export interface LiteralRead {
  value: unknown;
  /** Index of the first token after the literal. */
  next: number;
}

function describe(tok: PyToken | undefined): string {
  if (!tok || tok.type === 'newline') return 'the end of the statement';
  if (tok.type === 'string') return 'a string';
  if (tok.type === 'number') return tok.raw;
  return `"${tok.value}"`;
}

export function readPythonLiteral(tokens: PyToken[], start: number): LiteralRead {
  let i = start;
  const peek = () => tokens[i];
  const expectOp = (op: string) => {
    const tok = tokens[i];
    if (tok?.type !== 'op' || tok.value !== op)
      throw new PySyntaxError(`expected "${op}", found ${describe(tok)}`, tok?.at ?? -1);
    i++;
  };
  const isOp = (op: string) => {
    const tok = tokens[i];
    return tok?.type === 'op' && tok.value === op;
  };

  const value = (depth: number): unknown => {
    if (depth > MAX_DEPTH)
      throw new PySyntaxError(`nested deeper than ${MAX_DEPTH} levels`, peek()?.at ?? -1);
    const tok = peek();
    if (!tok) throw new PySyntaxError('the text ends before the value does', -1);
    if (tok.type === 'string') {
      let s = '';
      while (peek()?.type === 'string') s += (tokens[i++] as { value: string }).value;
      return s;
    }
    if (tok.type === 'number') {
      i++;
      return tok.value;
    }
    if (tok.type === 'name') {
      if (tok.value in CONSTANTS) {
        i++;
        return CONSTANTS[tok.value];
      }
      throw new PySyntaxError(
        `"${tok.value.slice(0, 40)}" is a name, not a value (only literals are read: strings, numbers, True/False/None, lists and dicts)`,
        tok.at,
      );
    }
    if (tok.type === 'op') {
      if (tok.value === '-' || tok.value === '+') {
        i++;
        const n = peek();
        if (n?.type !== 'number') throw new PySyntaxError(`"${tok.value}" before ${describe(n)}`, tok.at);
        i++;
        return tok.value === '-' ? -n.value : n.value;
      }
      if (tok.value === '{') return dict(depth);
      if (tok.value === '[' || tok.value === '(') return list(depth, tok.value === '[' ? ']' : ')');
    }
    throw new PySyntaxError(`expected a value, found ${describe(tok)}`, tok.at);
  };

  const list = (depth: number, close: string): unknown[] => {
    i++;
    const out: unknown[] = [];
    while (!isOp(close)) {
      if (out.length >= MAX_ITEMS)
        throw new PySyntaxError(`a list with more than ${MAX_ITEMS} items`, peek()?.at ?? -1);
      out.push(value(depth + 1));
      if (isOp(',')) i++;
      else if (!isOp(close))
        throw new PySyntaxError(`expected "," or "${close}", found ${describe(peek())}`, peek()?.at ?? -1);
    }
    i++;
    return out;
  };

  const dict = (depth: number): Record<string, unknown> => {
    const open = peek()!.at;
    i++;
    // A null prototype: a key "__proto__" is an ordinary key, never the object's prototype.
    const out = Object.create(null) as Record<string, unknown>;
    let count = 0;
    while (!isOp('}')) {
      if (++count > MAX_ITEMS)
        throw new PySyntaxError(`a dict with more than ${MAX_ITEMS} keys`, peek()?.at ?? -1);
      const keyTok = peek();
      const key = value(depth + 1);
      if (typeof key !== 'string')
        throw new PySyntaxError(`a dict key must be a string, found ${describe(keyTok)}`, keyTok?.at ?? open);
      expectOp(':');
      out[key] = value(depth + 1);
      if (isOp(',')) i++;
      else if (!isOp('}'))
        throw new PySyntaxError(`expected "," or "}", found ${describe(peek())}`, peek()?.at ?? -1);
    }
    i++;
    return { ...out };
  };

  const v = value(0);
  return { value: v, next: i };
}
