/**
 * Finds the request in Python source: the dict the FooocusAPI documents assign (`params = {...}`),
 * the one passed as `json=` to `requests.post`, or a bare dict. Every other statement (imports,
 * `url = ...`, `headers = {...}`, the call, prints) is listed as ignored, never run.
 */
import { readPythonLiteral } from './python-literal.ts';
import { PySyntaxError, tokenizePython, type PyToken } from './python-tokens.ts';

export interface PythonRequest {
  value: unknown;
  /** The variable it came from (`params`), or null for a bare literal. */
  variable: string | null;
  /** Short descriptions of the statements that were skipped. */
  ignored: string[];
}

/** Names a request is usually kept under, best first, when no `json=` argument says which. */
const LIKELY_NAMES = ['params', 'payload', 'data', 'body', 'request', 'req', 'json_data', 'req_params'];

interface Statement {
  tokens: PyToken[];
  from: number;
  to: number;
}

function statements(tokens: PyToken[], text: string): Statement[] {
  const out: Statement[] = [];
  let cur: PyToken[] = [];
  for (const tok of tokens) {
    if (tok.type !== 'newline') {
      cur.push(tok);
      continue;
    }
    if (cur.length) out.push({ tokens: cur, from: cur[0]!.at, to: tok.at });
    cur = [];
  }
  if (cur.length) out.push({ tokens: cur, from: cur[0]!.at, to: text.length });
  return out;
}

/** One line, at most 40 characters: enough to recognise the statement in a notice. */
function brief(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

export function readPythonRequest(text: string): PythonRequest {
  const tokens = tokenizePython(text);
  const stmts = statements(tokens, text);
  const dicts: { name: string | null; value: unknown; stmt: Statement }[] = [];
  const jsonArgs: string[] = [];
  for (const s of stmts) {
    const [a, b, c] = s.tokens;
    if (a?.type === 'op' && (a.value === '{' || a.value === '[')) {
      const r = readPythonLiteral(s.tokens, 0);
      if (r.next !== s.tokens.length)
        throw new PySyntaxError('unexpected text after the dict', s.tokens[r.next]!.at);
      dicts.push({ name: null, value: r.value, stmt: s });
      continue;
    }
    if (a?.type === 'name' && b?.type === 'op' && b.value === '=' && c?.type === 'op' && c.value === '{') {
      const r = readPythonLiteral(s.tokens, 2);
      if (r.next === s.tokens.length) {
        dicts.push({ name: a.value, value: r.value, stmt: s });
        continue;
      }
    }
    // `requests.post(url, json=params)` names the request; `json={...}` holds it.
    for (let k = 0; k + 2 < s.tokens.length; k++) {
      const [n, eq, v] = [s.tokens[k]!, s.tokens[k + 1]!, s.tokens[k + 2]!];
      if (n.type !== 'name' || n.value !== 'json' || eq.type !== 'op' || eq.value !== '=') continue;
      if (v.type === 'name') jsonArgs.push(v.value);
      else if (v.type === 'op' && v.value === '{') {
        const r = readPythonLiteral(s.tokens, k + 2);
        dicts.push({ name: 'json=', value: r.value, stmt: s });
      }
    }
  }
  if (!dicts.length)
    throw new PySyntaxError('no dict found (expected a request such as params = {"prompt": ...})', 0);
  const chosen =
    dicts.find((d) => d.name === 'json=') ??
    dicts.find((d) => d.name !== null && jsonArgs.includes(d.name)) ??
    LIKELY_NAMES.map((n) => dicts.find((d) => d.name === n)).find(Boolean) ??
    dicts.find((d) => d.name === null) ??
    dicts[dicts.length - 1]!;
  const ignored = stmts.filter((s) => s !== chosen.stmt).map((s) => brief(text.slice(s.from, s.to)));
  return { value: chosen.value, variable: chosen.name === 'json=' ? null : chosen.name, ignored };
}
