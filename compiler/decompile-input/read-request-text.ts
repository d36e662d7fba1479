/**
 * Which form a pasted or opened text is in, and the request JSON inside it: FooocusAPI request
 * JSON or a task record (`req_params`), the documents' Python dict (`params = {...}` with
 * True/False/None, single quotes, trailing commas, comments), or a curl command. Pure and bounded:
 * a byte limit first, then one linear pass per form, never an eval.
 */
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';
import { megabytes, utf8ByteLength } from '../text-size.ts';
import { jsonErrorLocation } from '../workflow-file/json-error.ts';
import { readCurlRequest } from './curl.ts';
import { readPythonRequest } from './python-source.ts';
import { PySyntaxError } from './python-tokens.ts';
import { ShellSyntaxError } from './shell-words.ts';

/** As large as a request may be (four 12 MP image prompts, an inpaint image and mask fit). */
export const MAX_REQUEST_TEXT_BYTES = 64 * 1024 * 1024;

export type RequestForm = 'json' | 'python' | 'curl';

export type ReadRequestText =
  | {
      ok: true;
      form: RequestForm;
      json: unknown;
      /** What was recognised and what was ignored, for the notice. */
      notes: LocalText[];
      /** The exact digits of image_seed as written (JSON numbers lose digits above 2^53). */
      seedDigits: string | undefined;
    }
  | { ok: false; message: string };

const looksLikeJson = (s: string) => /^[[{]/.test(s);
const looksLikeCurl = (s: string) => /^(?:\$\s*)?curl(?:\.exe)?\s/.test(s);

/** A line and column for an offset into the text, for error messages (never the text itself). */
function lineCol(text: string, at: number): string {
  if (at < 0) return '';
  let line = 1;
  let last = -1;
  for (let i = 0; i < at && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return ` (line ${line}, column ${at - last})`;
}

function seedDigitsOf(text: string): string | undefined {
  const digits = [...text.matchAll(/["']image_seed["']\s*:\s*["']?(-?\d+)(?![\d.eE])/g)].map((m) => m[1]!);
  return digits.length === 1 ? digits[0] : undefined;
}

function describeJson(json: unknown): LocalText {
  const isRecord = typeof json === 'object' && json !== null && 'req_params' in json;
  return isRecord
    ? t('Read as a task record (JSON).', '识别为任务记录（JSON）。')
    : t('Read as a FooocusAPI request (JSON).', '识别为 FooocusAPI 请求（JSON）。');
}

function ignoredNote(items: string[]): LocalText[] {
  if (!items.length) return [];
  const shown = items.slice(0, 8).join('; ') + (items.length > 8 ? `; … (${items.length - 8} more)` : '');
  return [t(`Ignored: ${shown}.`, `已忽略：${shown}。`)];
}

export function readRequestText(raw: string): ReadRequestText {
  const bytes = utf8ByteLength(raw);
  if (bytes > MAX_REQUEST_TEXT_BYTES)
    return {
      ok: false,
      message: `the text is ${megabytes(bytes)}; a request to decompile is at most ${megabytes(MAX_REQUEST_TEXT_BYTES)}`,
    };
  const text = (raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw).trim();
  if (text === '') return { ok: false, message: 'the text is empty (no request in it)' };

  if (looksLikeCurl(text)) {
    try {
      const curl = readCurlRequest(text.replace(/^\$\s*/, ''));
      const inner = readRequestText(curl.body);
      if (!inner.ok) return { ok: false, message: `the curl command's body: ${inner.message}` };
      const to = curl.url ? ` to ${curl.url.slice(0, 80)}` : '';
      return {
        ...inner,
        form: 'curl',
        notes: [
          t(`Read as a curl command (the body it posts${to}).`, `识别为 curl 命令（其发送的请求体${to}）。`),
          ...ignoredNote(curl.ignored),
          ...inner.notes.slice(1),
        ],
      };
    } catch (err) {
      if (err instanceof ShellSyntaxError)
        return { ok: false, message: `a curl command, but ${err.message}` };
      throw err;
    }
  }

  if (looksLikeJson(text)) {
    try {
      const json: unknown = JSON.parse(text);
      return { ok: true, form: 'json', json, notes: [describeJson(json)], seedDigits: seedDigitsOf(text) };
    } catch {
      // Not JSON: perhaps a Python dict ({'a': True}); if that fails too, JSON's error is the one to show.
      try {
        const py = readPythonRequest(text);
        return {
          ok: true,
          form: 'python',
          json: py.value,
          notes: [t('Read as a Python dict.', '识别为 Python 字典。')],
          seedDigits: seedDigitsOf(text),
        };
      } catch (err) {
        if (!(err instanceof PySyntaxError)) throw err;
        // Python's words or quotes say which error the user needs to see.
        if (/\b(?:True|False|None)\b|'/.test(text))
          return { ok: false, message: `not a valid Python dict: ${err.message}${lineCol(text, err.at)}` };
        return { ok: false, message: `not valid JSON${jsonErrorLocation(text)}` };
      }
    }
  }

  try {
    const py = readPythonRequest(text);
    const from = py.variable ? `${py.variable} = {…}` : 'the dict';
    return {
      ok: true,
      form: 'python',
      json: py.value,
      notes: [
        t(`Read as Python code: ${from}.`, `识别为 Python 代码：${from}。`),
        ...ignoredNote(py.ignored),
      ],
      seedDigits: seedDigitsOf(text),
    };
  } catch (err) {
    if (!(err instanceof PySyntaxError)) throw err;
    return {
      ok: false,
      message: `not a FooocusAPI request: neither JSON, a Python dict (params = {...}) nor a curl command (${err.message}${lineCol(text, err.at)})`,
    };
  }
}
