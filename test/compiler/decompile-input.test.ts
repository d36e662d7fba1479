/**
 * The text forms a request arrives in (compiler/decompile-input/): JSON, the documents' Python
 * dict, a curl command, a task record. Each seed document's Python code decompiles to the graph
 * its JSON does and compiles back to the seed request.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { decompileText } from '../../compiler/decompile.ts';
import { readRequestText } from '../../compiler/decompile-input/index.ts';
import { requestDifferences } from '../../compiler/equivalence.ts';
import { toCurl, toPython } from '../../compiler/authoring/snippets.ts';
import type { FooocusRequest } from '../../contract/fields.ts';
import { SEED_NAMES, loadSeed } from './helpers.ts';

const FIXTURES = new URL('../fixtures/seeds/', import.meta.url);
const seedPython = (name: string) => readFileSync(new URL(`${name}.py`, FIXTURES), 'utf8');

function read(text: string) {
  const r = readRequestText(text);
  if (!r.ok) throw new Error(r.message);
  return r;
}

describe.each(SEED_NAMES)('seed %s in the documents’ Python form', (name) => {
  it('reads params = {...} out of the code, listing the other statements as ignored', () => {
    const r = read(seedPython(name));
    expect(r.form).toBe('python');
    expect(r.json).toEqual(loadSeed(name));
    expect(r.notes[0]!.en).toBe('Read as Python code: params = {…}.');
    expect(r.notes[1]!.en).toMatch(
      /^Ignored: import requests; url = "http:\/\/127\.0\.0\.1:7866\/v1\/engine\/…; response = requests\.post\(url, json=para…/,
    );
  });

  it('decompiles to a graph that compiles back to the seed request', () => {
    const r = decompileText(seedPython(name));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(requestDifferences(loadSeed(name), compile(r.workflow).request)).toEqual([]);
    expect(r.notes[0]!.en).toMatch(/^Read as Python code/);
  });
});

describe('Python literals', () => {
  it('reads single quotes, True/False/None, trailing commas, comments, tuples, escapes and adjacent strings', () => {
    const r = read(`# a comment
params = {
    'prompt': 'a cat' " on a mat",  # adjacent strings join
    "negative_prompt": '\\u732b \\x41\\n',
    'image_number': 2,
    'image_seed': -1,
    'guidance_scale': 4.5e0,
    'advanced_params': None,
    'enhance_checkbox': False,
    'save_meta': True,
    'loras': [{'model_name': 'x.safetensors', 'weight': 0.5, 'enabled': True},],
    'aspect_ratios_selection': r'1152*896',
    'style_selections': ('Fooocus V2',),
}
`);
    expect(r.json).toEqual({
      prompt: 'a cat on a mat',
      negative_prompt: '猫 A\n',
      image_number: 2,
      image_seed: -1,
      guidance_scale: 4.5,
      advanced_params: null,
      enhance_checkbox: false,
      save_meta: true,
      loras: [{ model_name: 'x.safetensors', weight: 0.5, enabled: true }],
      aspect_ratios_selection: '1152*896',
      style_selections: ['Fooocus V2'],
    });
  });

  it('a bare dict and an inline json={...} argument are read too', () => {
    expect(read(`{'prompt': 'x', 'save_meta': True,}`).json).toEqual({ prompt: 'x', save_meta: true });
    const r = read(`import requests\nrequests.post("http://h/v1/engine/generate/", json={'prompt': 'y'})\n`);
    expect(r.json).toEqual({ prompt: 'y' });
  });

  it('json=NAME picks that dict over headers = {...}', () => {
    const r = read(
      `headers = {'Accept': 'application/json'}\nbody = {'prompt': 'z'}\nrequests.post(u, json=body, headers=headers)`,
    );
    expect(r.json).toEqual({ prompt: 'z' });
    expect(r.notes[0]!.en).toBe('Read as Python code: body = {…}.');
  });

  it('refuses code instead of running it, saying what and where', () => {
    const r = readRequestText(`params = {\n  'prompt': os.system('rm -rf /'),\n}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/"os" is a name, not a value.*line 2, column 13/);
    const bad = readRequestText(`{'prompt': 'x' 'save_meta': True}`);
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.message).toBe('not a valid Python dict: expected "," or "}", found ":" (line 1, column 27)');
  });

  it('refuses nesting deeper than a request ever goes (no stack overflow)', () => {
    const r = readRequestText(`x = {'a': ${'['.repeat(20000)}${']'.repeat(20000)}}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/nested deeper than 32 levels/);
  });

  it('refuses a text of millions of tiny tokens before parsing it', () => {
    const r = readRequestText(`x = {${Array.from({ length: 60000 }, (_, i) => `'k${i}': ${i}`).join(',')}}`);
    expect(r.ok || r.message).toMatch(/more than 100000 words and symbols: too long for a request/);
  });

  it('keeps the exact digits of a 63-bit seed written in Python', () => {
    const r = read(`params = {'prompt': 'p', 'image_seed': 8441793560237457123}`);
    expect(r.seedDigits).toBe('8441793560237457123');
  });
});

describe('curl commands', () => {
  const body = JSON.stringify(loadSeed('vary-image-prompt'));

  it('reads -d with headers, -X and the URL listed as ignored (header values never repeated)', () => {
    const r = read(
      `curl -X POST "http://127.0.0.1:7866/v1/engine/generate/" \\\n  -H 'Content-Type: application/json' \\\n  -H 'X-API-KEY: secret-key' \\\n  -d '${body}'`,
    );
    expect(r.form).toBe('curl');
    expect(r.json).toEqual(loadSeed('vary-image-prompt'));
    expect(r.notes[0]!.en).toBe(
      'Read as a curl command (the body it posts to http://127.0.0.1:7866/v1/engine/generate/).',
    );
    expect(r.notes[1]!.en).toBe('Ignored: -X POST; header Content-Type; header X-API-KEY.');
    expect(JSON.stringify(r.notes)).not.toContain('secret-key');
  });

  it('reads --data, --data-raw, --data=… and -d… attached, double quotes with escapes', () => {
    for (const flag of ['--data', '--data-raw', '--data-binary', '--json'])
      expect(read(`curl http://h/ ${flag} '${body}'`).json, flag).toEqual(loadSeed('vary-image-prompt'));
    expect(read(`curl http://h/ --data='{"prompt":"a"}'`).json).toEqual({ prompt: 'a' });
    expect(read(`curl http://h/ -d'{"prompt":"a"}'`).json).toEqual({ prompt: 'a' });
    expect(read(`curl http://h/ -d "{\\"prompt\\": \\"it's\\"}"`).json).toEqual({ prompt: "it's" });
  });

  it('reads the editor’s own "Copy as curl" (a here-document on stdin) and "Copy as Python"', () => {
    const seed = loadSeed('enhance-chain') as unknown as FooocusRequest;
    const opts = { baseUrl: 'http://127.0.0.1:7866', apiKey: 'k' };
    expect(read(toCurl(seed, opts)).json).toEqual(seed);
    const py = read(toPython(seed, opts));
    expect(py.json).toEqual(seed);
    expect(py.notes[1]!.en).toContain('headers = {');
  });

  it('refuses a body read from a file, or no body at all, saying so', () => {
    const a = readRequestText(`curl -d @request.json http://h/`);
    expect(a.ok || a.message).toMatch(/reads the body from a file; paste the file's contents instead/);
    const b = readRequestText(`curl -H 'Accept: application/json' http://h/tasks`);
    expect(b.ok || b.message).toMatch(/sends no body/);
  });

  it('a Python dict posted by curl is decompiled too', () => {
    const r = decompileText(`curl http://h/ -d "{'prompt': 'p', 'save_meta': True}"`);
    expect(r.ok).toBe(true);
  });
});

describe('JSON and task records', () => {
  it('a task record says so and decompiles its req_params', () => {
    const rec = { task_id: 'abc123', req_params: loadSeed('enhance-chain'), task_status: 'success' };
    const r = decompileText(JSON.stringify(rec));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.notes[0]!.en).toBe('Read as a task record (JSON).');
    expect(r.notes[1]!.en).toMatch(/task abc123/);
  });

  it('a byte limit is checked before anything is parsed', () => {
    const r = readRequestText('x'.repeat(64 * 1024 * 1024 + 1));
    expect(r.ok || r.message).toBe('the text is 64 MB; a request to decompile is at most 64 MB');
  });

  it('plain text is refused with the forms that are accepted', () => {
    const r = readRequestText('hello there');
    expect(r.ok || r.message).toMatch(
      /^not a FooocusAPI request: neither JSON, a Python dict \(params = \{\.\.\.\}\) nor a curl command/,
    );
  });
});
