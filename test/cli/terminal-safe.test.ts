/**
 * Text from files and servers never reaches a terminal as control codes: a shared workflow whose
 * label, name or prompt carries `ESC]0;…BEL`, `ESC[2J`, a `\r` that overwrites the report, or a
 * bidi override, is printed with those characters escaped visibly, and `--json` output keeps the
 * same values.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { terminalSafe } from '../../cli/terminal-safe.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { captureIO } from '../compiler/helpers.ts';

const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\r0 error(s)\u009b31m\u202eevil';
// Anything a terminal acts on: C0 but tab/newline, DEL, C1, bidi overrides/isolates, line separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-term-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const cap = captureIO();
  const code = await main(argv, cap.io);
  return { code, stdout: cap.stdout, stderr: cap.stderr };
}

describe('terminal-safe output', () => {
  it('escapes every control character visibly and keeps ordinary text, tabs and newlines', () => {
    expect(terminalSafe('a\tb\nc 中文')).toBe('a\tb\nc 中文');
    const out = terminalSafe(HOSTILE);
    expect(out).not.toMatch(CONTROL);
    expect(out).toBe('\\u001b]0;pwned\\u0007\\u001b[2J\\u000d0 error(s)\\u009b31m\\u202eevil');
  });

  it('validate and compile print a hostile label, node kind and prompt without a control code', async () => {
    const b = new GraphBuilder();
    b.add('promptSettings', { prompt: HOSTILE }, HOSTILE);
    const w = b.build(HOSTILE);
    // A second, unknown node kind from the file is named in the error.
    const doc = JSON.parse(serializeWorkflow(w)) as { nodes: Record<string, unknown>[] };
    doc.nodes.push({ id: 'x', kind: HOSTILE, kindVersion: 1, params: {}, position: { x: 0, y: 0 } });
    const path = join(dir, 'hostile.json');
    await writeFile(path, JSON.stringify(doc));
    for (const argv of [
      ['validate', path],
      ['compile', path],
      ['compile', path, '--json'],
    ]) {
      const r = await run(...argv);
      expect(r.stdout + r.stderr, argv.join(' ')).not.toMatch(CONTROL);
      expect(r.stdout + r.stderr, argv.join(' ')).toContain('\\u001b]0;pwned');
    }
  });

  it('keeps --json output meaning the same values', async () => {
    const b = new GraphBuilder();
    const p = b.add('promptSettings', { prompt: HOSTILE });
    b.wire(p, b.add('output'));
    const path = join(dir, 'prompt.json');
    await writeFile(path, serializeWorkflow(b.build('p')));
    const r = await run('compile', path, '--json');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL);
    const parsed = JSON.parse(r.stdout) as { request: { prompt: string } };
    expect(parsed.request.prompt).toBe(HOSTILE);
  });
});

describe('JSON syntax errors', () => {
  it('decompile gives the line and column, never the bytes', async () => {
    const path = join(dir, 'broken-request.json');
    await writeFile(path, '{\n  "prompt": "a cat",\n  "x": \u001b[2Jnope\n}');
    const r = await run('decompile', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON at line 3, column 8/);
    expect(r.stderr).not.toContain('nope');
    expect(r.stderr).not.toMatch(CONTROL);
  });
});
