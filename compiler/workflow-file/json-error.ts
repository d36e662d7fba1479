/**
 * Where a JSON text first goes wrong, as an offset. V8's messages on Node 20 often omit the
 * position ("Unexpected token ','"), so this small scanner finds it; it runs only after JSON.parse
 * already failed. Iterative, so deeply nested junk cannot overflow the stack.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (): boolean => {
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return true;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m && m[0].length) {
      i += m[0].length;
      return true;
    }
    return false;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return true;
      }
      if (c === '\\') {
        const e = text[i + 1] ?? '';
        if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else return false;
        continue;
      }
      if (c < ' ') return false;
      i++;
    }
    return false;
  };
  // Stack of open containers: 'o' expects key, 'O' expects ',' or '}', 'a' expects value, 'A' expects ',' or ']'.
  const stack: string[] = [];
  const value = (): boolean => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return true;
      }
      stack.push('o');
      return true;
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return true;
      }
      stack.push('a');
      return true;
    }
    return string() || literal();
  };
  if (!value()) return i;
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    ws();
    if (top === 'o') {
      if (!string()) return i;
      ws();
      if (text[i] !== ':') return i;
      i++;
      stack[stack.length - 1] = 'O';
      const depth = stack.length;
      if (!value()) return i;
      if (stack.length > depth) continue;
    } else if (top === 'a') {
      stack[stack.length - 1] = 'A';
      const depth = stack.length;
      if (!value()) return i;
      if (stack.length > depth) continue;
    } else {
      ws();
      const close = top === 'O' ? '}' : ']';
      if (text[i] === ',') {
        i++;
        stack[stack.length - 1] = top === 'O' ? 'o' : 'a';
      } else if (text[i] === close) {
        i++;
        stack.pop();
      } else return i;
    }
  }
  ws();
  return i;
}

/** "line L, column C" of an offset (both from 1). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Where in the text a JSON syntax error is, as " at line L, column C" (never the bytes themselves). */
export function jsonErrorLocation(text: string): string {
  const { line, column } = lineColumn(text, jsonErrorOffset(text));
  return ` at line ${line}, column ${column}`;
}
