/**
 * "Copy as curl / Python / fetch": the compiled request as code that runs as is against the
 * configured FooocusAPI server. Images stay inlined (data URLs) or as URLs, exactly as compiled; the
 * API key appears only when the user asks for it. Every snippet posts to the trailing-slash route
 * (the no-slash form costs a 307 redirect) and sends the Accept header the server requires.
 */
import type { FooocusRequest } from '../../contract/fields.ts';

export interface SnippetOptions {
  /** FooocusAPI origin, e.g. http://127.0.0.1:7866 */
  baseUrl: string;
  /** Included only when given. */
  apiKey?: string | undefined;
}

export type SnippetLanguage = 'json' | 'curl' | 'python' | 'fetch';

function endpoint(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/engine/generate/`;
}

/** Single-quoted shell word: safe for any text, including quotes and newlines. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function toJson(request: FooocusRequest): string {
  return JSON.stringify(request, null, 2);
}

export function toCurl(request: FooocusRequest, o: SnippetOptions): string {
  const headers = ["-H 'Content-Type: application/json'", "-H 'Accept: application/json'"];
  if (o.apiKey) headers.push(`-H ${shellQuote(`X-API-KEY: ${o.apiKey}`)}`);
  // The body goes through a quoted heredoc: no shell expansion, no length limit on the command line.
  return [
    `curl -sS -X POST ${shellQuote(endpoint(o.baseUrl))} \\`,
    ...headers.map((h) => `  ${h} \\`),
    `  --data-binary @- <<'FOOOCUS_FLOW_JSON'`,
    JSON.stringify(request, null, 2),
    'FOOOCUS_FLOW_JSON',
  ].join('\n');
}

/** JSON → Python literal (true/false/null → True/False/None); strings stay JSON-escaped, which Python reads. */
export function pythonLiteral(value: unknown, indent = ''): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  const inner = indent + '    ';
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[\n${value.map((v) => inner + pythonLiteral(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.length) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pythonLiteral(v, inner)}`).join(',\n')}\n${indent}}`;
}

export function toPython(request: FooocusRequest, o: SnippetOptions): string {
  const headers = [
    `"Accept": "application/json"`,
    ...(o.apiKey ? [`"X-API-KEY": ${JSON.stringify(o.apiKey)}`] : []),
  ];
  return [
    'import requests',
    '',
    `url = ${JSON.stringify(endpoint(o.baseUrl))}`,
    `headers = {${headers.join(', ')}}`,
    `params = ${pythonLiteral(request)}`,
    '',
    'response = requests.post(url, json=params, headers=headers)',
    'response.raise_for_status()',
    'task = response.json()',
    'print(task["task_status"], *task["result"], sep="\\n")',
    '',
  ].join('\n');
}

export function toFetch(request: FooocusRequest, o: SnippetOptions): string {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (o.apiKey) headers['X-API-KEY'] = o.apiKey;
  return [
    `const params = ${JSON.stringify(request, null, 2)};`,
    '',
    `const response = await fetch(${JSON.stringify(endpoint(o.baseUrl))}, {`,
    "  method: 'POST',",
    `  headers: ${JSON.stringify(headers)},`,
    '  body: JSON.stringify(params),',
    '});',
    'if (!response.ok) throw new Error(`FooocusAPI answered ${response.status}: ${await response.text()}`);',
    'const task = await response.json();',
    'console.log(task.task_status, task.result);',
    '',
  ].join('\n');
}

export function toSnippet(lang: SnippetLanguage, request: FooocusRequest, o: SnippetOptions): string {
  switch (lang) {
    case 'json':
      return toJson(request);
    case 'curl':
      return toCurl(request, o);
    case 'python':
      return toPython(request, o);
    case 'fetch':
      return toFetch(request, o);
  }
}
