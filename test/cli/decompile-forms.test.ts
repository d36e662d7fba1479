/**
 * `fooocus-flow decompile` reads every form a request arrives in: JSON, the seed documents' Python
 * code, a curl command, a task record; from a file or stdin. Each prints the same workflow as the
 * JSON form, and the notes on stderr say what was recognised and ignored.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { compile } from '../../compiler/compile.ts';
import { requestDifferences } from '../../compiler/equivalence.ts';
import { parseWorkflowText } from '../../compiler/workflow-file/index.ts';
import { REPO, SEED_NAMES, captureIO, loadSeed } from '../compiler/helpers.ts';

const SEEDS = join(REPO, 'test/fixtures/seeds');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-decompile-forms-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const cap = captureIO();
  const code = await main(argv, cap.io);
  return { code, stdout: cap.stdout, stderr: cap.stderr };
}

/** The workflow printed, without its name (which follows the file name). */
function graphOf(stdout: string) {
  const parsed = parseWorkflowText(stdout);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const { name: _name, ...rest } = parsed.workflow;
  return rest;
}

describe.each(SEED_NAMES)('seed %s', (name) => {
  it('the documents’ Python code decompiles to the same workflow as the JSON', async () => {
    const py = await run('decompile', join(SEEDS, `${name}.py`));
    const json = await run('decompile', join(SEEDS, `${name}.json`));
    expect(py.code).toBe(0);
    expect(graphOf(py.stdout)).toEqual(graphOf(json.stdout));
    expect(parseWorkflowText(py.stdout).ok && JSON.parse(py.stdout).name).toBe(name);
    expect(py.stderr).toMatch(
      /(^|\n)note: Read as Python code: params = \{…\}\.\nnote: Ignored: import requests; url = /,
    );
  });

  it('as a curl command with -H and --data-raw, from stdin', async () => {
    const seed = JSON.stringify(loadSeed(name));
    const curl = `curl -X POST http://127.0.0.1:7866/v1/engine/generate/ -H 'Content-Type: application/json' --data-raw '${seed}'`;
    const child = execFile('node', [join(REPO, 'cli/bin.mjs'), 'decompile', '-'], { cwd: REPO });
    child.stdin!.end(curl);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const json = await run('decompile', join(SEEDS, `${name}.json`));
    expect(graphOf(stdout)).toEqual(graphOf(json.stdout));
    expect(stderr).toMatch(
      /(^|\n)note: Read as a curl command \(the body it posts to http:\/\/127\.0\.0\.1:7866\/v1\/engine\/generate\/\)\.\nnote: Ignored: -X POST; header Content-Type\.\n/,
    );
  }, 30_000);
});

describe('decompile forms', () => {
  it('the Python seeds without a cut-off image compile back to the seed request exactly', async () => {
    for (const name of ['vary-image-prompt', 'enhance-chain'] as const) {
      const r = await run('decompile', join(SEEDS, `${name}.py`));
      const parsed = parseWorkflowText(r.stdout);
      if (!parsed.ok) throw new Error('unparsable');
      expect(requestDifferences(loadSeed(name), compile(parsed.workflow).request), name).toEqual([]);
    }
  });

  it('a task record in Python form (a history row) is unwrapped', async () => {
    const seed = readFileSync(join(SEEDS, 'enhance-chain.py'), 'utf8').match(
      /params = (\{[\s\S]*?\n\})/,
    )![1]!;
    const path = join(dir, 'record.py');
    await writeFile(path, `{'task_id': 'f00d', 'task_status': 'success', 'req_params': ${seed}}`);
    const r = await run('decompile', path);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: This is a task record \(task f00d\)/);
    expect(
      JSON.parse(r.stdout).nodes.filter((n: { kind: string }) => n.kind === 'enhanceRegion'),
    ).toHaveLength(3);
  });

  it('code that is not a literal exits 2 with the line and column, and runs nothing', async () => {
    const path = join(dir, 'evil.py');
    await writeFile(
      path,
      `import os\nparams = {\n    "prompt": __import__('os').system('touch ${dir}/pwned'),\n}\n`,
    );
    const r = await run('decompile', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${path}: not a FooocusAPI request: neither JSON, a Python dict (params = {...}) nor a curl command ("__import__" is a name, not a value (only literals are read: strings, numbers, True/False/None, lists and dicts) (line 3, column 15))\n`,
    );
  });
});
