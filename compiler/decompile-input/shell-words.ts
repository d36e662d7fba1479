/**
 * Splits a POSIX shell command line into words the way `sh` would quote them, without running
 * anything: '…' is literal, "…" keeps \" \\ \$ \` escapes, $'…' decodes C escapes, a backslash
 * before a newline continues the line, and a `<<'TAG'` / `<<TAG` here-document's lines become the
 * command's stdin. One pass; `$VAR` and `$(…)` are kept as text (the command is never expanded).
 */

export interface ShellCommand {
  words: string[];
  /** The here-document's text, when the command has one. */
  stdin: string | null;
  /** Whatever followed the first command (`| jq`, `&& …`, later lines), trimmed; ignored. */
  rest: string;
}

export class ShellSyntaxError extends Error {}

const C_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  e: '\x1b',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

export function splitShellCommand(text: string): ShellCommand {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  let heredocTag: string | null = null;
  const end = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
    } else if (c === '\\' && text[i + 1] === '\r' && text[i + 2] === '\n') {
      i += 3;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      end();
      i++;
    } else if (c === '\n' || c === '|' || c === '&' || c === ';') {
      end();
      break;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new ShellSyntaxError('a single-quoted string is not closed');
      word = (word ?? '') + text.slice(i + 1, close);
      i = close + 1;
    } else if (c === '$' && text[i + 1] === "'") {
      let j = i + 2;
      let out = '';
      while (j < text.length && text[j] !== "'") {
        if (text[j] === '\\' && j + 1 < text.length) {
          const e = text[j + 1]!;
          out += C_ESCAPES[e] ?? `\\${e}`;
          j += 2;
        } else out += text[j++];
      }
      if (j >= text.length) throw new ShellSyntaxError("a $'…' string is not closed");
      word = (word ?? '') + out;
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      let out = '';
      while (j < text.length && text[j] !== '"') {
        const d = text[j]!;
        if (d === '\\' && '"\\$`\n'.includes(text[j + 1] ?? '')) {
          if (text[j + 1] !== '\n') out += text[j + 1];
          j += 2;
        } else {
          out += d;
          j++;
        }
      }
      if (j >= text.length) throw new ShellSyntaxError('a double-quoted string is not closed');
      word = (word ?? '') + out;
      i = j + 1;
    } else if (c === '<' && text[i + 1] === '<' && word === null) {
      const m = /^<<-?\s*(?:'([^'\n]+)'|"([^"\n]+)"|([A-Za-z0-9_]+))/.exec(text.slice(i, i + 200));
      if (!m) throw new ShellSyntaxError('a here-document (<<) without its end word');
      heredocTag = m[1] ?? m[2] ?? m[3]!;
      i += m[0].length;
    } else if (c === '\\') {
      word = (word ?? '') + (text[i + 1] ?? '');
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  end();
  let stdin: string | null = null;
  let restFrom = i;
  if (heredocTag !== null) {
    const bodyStart = text.indexOf('\n', i) + 1 || text.length;
    const lines = text.slice(bodyStart).split('\n');
    const endLine = lines.findIndex((l) => l.replace(/\r$/, '').trim() === heredocTag);
    if (endLine < 0) throw new ShellSyntaxError(`the here-document does not end with a line "${heredocTag}"`);
    stdin = lines.slice(0, endLine).join('\n');
    restFrom = bodyStart + lines.slice(0, endLine + 1).join('\n').length;
  }
  return { words, stdin, rest: text.slice(restFrom).trim() };
}
