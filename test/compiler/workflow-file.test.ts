/**
 * Workflow files: the saved corpus loads; malformed and hostile files give a clear error naming
 * the JSON path and never throw; the migration chain follows the version rules.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { KIND_MIGRATIONS, migrateParams } from '../../compiler/workflow-file/migrations.ts';
import {
  MAX_WORKFLOW_BYTES,
  formatFileError,
  migrateDocument,
  parseWorkflowJson,
  parseWorkflowText,
  serializeWorkflow,
  type ParseResult,
} from '../../compiler/workflow-file/index.ts';
import { TEMPLATES } from '../../compiler/authoring/templates.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { WORKFLOW_VERSION } from '../../nodes/graph.ts';
import { FIXTURES, loadSeed } from './helpers.ts';

const CORPUS = `${FIXTURES}/workflows`;
const corpus = readdirSync(CORPUS).filter((f) => f.endsWith('.json'));

/** A small valid document to break in one place. */
function doc(): Record<string, unknown> & {
  nodes: Record<string, unknown>[];
  edges: Record<string, unknown>[];
} {
  return {
    format: 'fooocus-flow/workflow',
    version: 1,
    name: 'base',
    description: '',
    nodes: [
      {
        id: 'img',
        kind: 'inputImage',
        kindVersion: 1,
        params: { image: 'data:image/png;base64,AA' },
        position: { x: 0, y: 0 },
      },
      {
        id: 'v',
        kind: 'vary',
        kindVersion: 1,
        params: { method: 'Vary (Strong)' },
        position: { x: 1, y: 0 },
      },
      { id: 'out', kind: 'output', kindVersion: 1, params: {}, position: { x: 2, y: 0 } },
    ],
    edges: [
      { id: 'e1', source: 'img', sourceHandle: 'image', target: 'v', targetHandle: 'image' },
      { id: 'e2', source: 'v', sourceHandle: 'image', target: 'out', targetHandle: 'image' },
    ],
    exposed: [],
  };
}

function parse(value: unknown): ParseResult {
  return parseWorkflowText(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Refused with an error at exactly `path` whose message matches. */
function expectError(r: ParseResult, path: string, message?: RegExp): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  const hit = r.errors.find((e) => e.path === path);
  expect(hit, `no error at ${path}; got ${JSON.stringify(r.errors)}`).toBeDefined();
  expect(hit!.message.trim()).not.toBe('');
  if (message) expect(hit!.message).toMatch(message);
}

describe('saved corpus (version 1)', () => {
  it('holds the serialized templates and hand-written files', () => {
    for (const t of TEMPLATES) expect(corpus).toContain(`template-${t.id}.json`);
    expect(corpus.filter((f) => !f.startsWith('template-')).length).toBeGreaterThanOrEqual(3);
  });

  it.each(corpus)('%s loads and compiles without throwing', (file) => {
    const r = parseWorkflowText(readFileSync(`${CORPUS}/${file}`, 'utf8'), file);
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
    if (!r.ok) return;
    expect(r.workflow.version).toBe(WORKFLOW_VERSION);
    expect(r.warnings, 'a saved file has no unknown keys').toEqual([]);
    expect(() => compile(r.workflow)).not.toThrow();
  });

  it('a minimal file gets its defaults (name, description, positions, params, exposed)', () => {
    const r = parseWorkflowText(readFileSync(`${CORPUS}/minimal-text-to-image.json`, 'utf8'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.workflow.name).toBe('Untitled workflow');
    expect(r.workflow.exposed).toEqual([]);
    const out = r.workflow.nodes.find((n) => n.id === 'out')!;
    expect(out.params).toEqual({ save_final_enhanced_image_only: false });
    expect(out.position).toEqual({ x: 0, y: 0 });
    const c = compile(r.workflow);
    expect(c.ok).toBe(true);
    expect(c.request.prompt).toBe('a red fox in snow');
    expect(c.request.image_seed).toBe(42);
  });

  it('keeps exposed parameters', () => {
    const r = parseWorkflowText(readFileSync(`${CORPUS}/portrait-enhance-exposed.json`, 'utf8'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.workflow.exposed).toEqual([{ nodeId: 'portrait', param: 'image', name: 'portrait' }]);
  });

  it('serialize → parse gives the same workflow', () => {
    for (const t of TEMPLATES) {
      const wf = t.build();
      const r = parseWorkflowText(serializeWorkflow(wf));
      expect(r.ok && r.workflow).toEqual(wf);
      expect(r.ok && r.warnings).toEqual([]);
    }
  });
});

describe('malformed files give the JSON path', () => {
  it('wrong envelope types', () => {
    expectError(parse({ ...doc(), nodes: 'many' }), 'nodes');
    expectError(parse({ ...doc(), name: 42 }), 'name');
    const d = doc();
    d.nodes[1]!.position = { x: 'left', y: 0 };
    expectError(parse(d), 'nodes[1].position.x');
    const e = doc();
    e.edges[0]!.target = 7;
    expectError(parse(e), 'edges[0].target');
  });

  it('wrong param types and out-of-range values name the param', () => {
    const d = doc();
    d.nodes[1]!.params = { method: 'Vary (Medium)' };
    expectError(parse(d), 'nodes[1].params.method');
    const e = doc();
    e.nodes[0]!.params = { image: 'data:image/png;base64,AA', width: -5 };
    expectError(parse(e), 'nodes[0].params.width');
  });

  it('not an object at all', () => {
    expectError(parse('[]'), '(top level)');
    expectError(parse('"workflow"'), '(top level)');
    expectError(parse('null'), '(top level)');
  });

  it('unknown node kinds', () => {
    const d = doc();
    d.nodes[1]!.kind = 'sharpen';
    expectError(parse(d), 'nodes[1].kind', /unknown node kind "sharpen"/);
  });

  it('node kinds named like Object.prototype members are unknown kinds, not a crash', () => {
    for (const kind of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const d = doc();
      d.nodes[1]!.kind = kind;
      let r: ParseResult | undefined;
      expect(() => (r = parse(d)), kind).not.toThrow();
      expectError(r!, 'nodes[1].kind', /unknown node kind/);
    }
  });

  it('edges to missing nodes', () => {
    const d = doc();
    d.edges[1]!.target = 'ghost';
    expectError(parse(d), 'edges[1].target', /"ghost"/);
  });

  it('unknown handles', () => {
    const d = doc();
    d.edges[0]!.targetHandle = 'mask';
    expectError(parse(d), 'edges[0].targetHandle', /no input "mask"/);
    const e = doc();
    e.edges[0]!.sourceHandle = 'imagePrompt';
    expectError(parse(e), 'edges[0].sourceHandle', /no output "imagePrompt"/);
  });

  it('duplicate node and edge ids', () => {
    const d = doc();
    d.nodes[2]!.id = 'v';
    expectError(parse(d), 'nodes[2].id', /duplicate/);
    const e = doc();
    e.edges[1]!.id = 'e1';
    expectError(parse(e), 'edges[1].id', /duplicate/);
  });

  it('a newer format version', () => {
    expectError(parse({ ...doc(), version: WORKFLOW_VERSION + 1 }), 'version', /newer/);
  });

  it('a newer node kindVersion', () => {
    const d = doc();
    d.nodes[1]!.kindVersion = 99;
    expectError(parse(d), 'nodes[1].kindVersion', /newer/);
  });

  it('a FooocusAPI request passed as a workflow says to decompile', () => {
    expectError(parse(loadSeed('vary-image-prompt')), 'format', /decompile/);
    expectError(parse({ prompt: 'a cat' }), 'format', /decompile/);
    expectError(parse({ hello: 'world' }), 'format', /not a Fooocus Flow workflow/);
  });

  it('exposed parameters that point nowhere', () => {
    expectError(
      parse({ ...doc(), exposed: [{ nodeId: 'ghost', param: 'image', name: 'x' }] }),
      'exposed[0].nodeId',
    );
    expectError(
      parse({ ...doc(), exposed: [{ nodeId: 'img', param: 'colour', name: 'x' }] }),
      'exposed[0].param',
    );
    expectError(
      parse({ ...doc(), exposed: [{ nodeId: 'img', param: 'image', name: 'has space' }] }),
      'exposed[0].name',
    );
  });
});

describe('hostile files never crash', () => {
  it('not JSON: the message gives line and column', () => {
    const text = '{\n  "format": ,\n}';
    expectError(parse(text), '(file)', /line 2, column 13/);
  });

  it('truncated JSON: the message gives line and column', () => {
    expectError(parse('{"format": "fooocus-flow/workflow"'), '(file)', /line 1, column 35/);
  });

  it('50 MB of junk', () => {
    const chunk = 'ÿ\u0000garbage{[<"\\';
    const junk = chunk.repeat(Math.ceil((50 * 1024 * 1024) / chunk.length));
    let r: ParseResult | undefined;
    expect(() => (r = parseWorkflowText(junk, 'junk.json'))).not.toThrow();
    expectError(r!, '(file)', /not valid JSON/);
  });

  it('more than the size limit is refused before parsing', () => {
    const big = ' '.repeat(MAX_WORKFLOW_BYTES + 1);
    expectError(parseWorkflowText(big, 'big.json'), '(file)', /MB/);
  });

  it('deeply nested JSON', () => {
    const depth = 100_000;
    expect(() => parse('['.repeat(depth) + ']'.repeat(depth))).not.toThrow();
    // Built as text: JSON.stringify itself cannot write objects this deep.
    const deep = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const text = JSON.stringify(doc())
      .replace('"params":{"method"', `"params":{"junk":${deep},"method"`)
      .replace('"kind":"vary",', `"kind":"vary","label":${deep},`);
    let r: ParseResult | undefined;
    expect(() => (r = parse(text))).not.toThrow();
    expectError(r!, 'nodes[1].label');
  });

  it('__proto__ keys neither pollute prototypes nor leak into params', () => {
    const text = JSON.stringify(doc())
      .replace('{"format"', '{"__proto__":{"polluted":true},"format"')
      .replace(
        '"params":{"method"',
        '"params":{"__proto__":{"method":"Vary (Subtle)","polluted":true},"method"',
      );
    const r = parse(text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.workflow.nodes.find((n) => n.id === 'v')!;
    expect(v.params.method).toBe('Vary (Strong)');
    expect((v.params as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a node id named like an Object.prototype member is refused with its path', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: 'data:image/png;base64,AA', width: 640, height: 480 });
    b.wire(i, b.add('output'));
    const text = serializeWorkflow(b.build('x'));
    for (const reserved of ['__proto__', 'constructor', 'prototype']) {
      const r = parseWorkflowText(text.replaceAll(`"${i}"`, `"${reserved}"`));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => e.path)).toContain('nodes[0].id');
    }
  });

  it('a graph built in code with a "__proto__" node id still compiles like any other id', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: 'data:image/png;base64,AA', width: 640, height: 480 });
    const v = b.add('vary');
    b.wire(i, v).wire(v, b.add('output'));
    b.add('promptSettings', { image_seed: 5 });
    const wf = b.build('x');
    const hostileWf = JSON.parse(JSON.stringify(wf).replaceAll(`"${i}"`, '"__proto__"')) as typeof wf;
    const plain = compile(wf);
    const hostile = compile(hostileWf);
    expect(hostile.request).toEqual(plain.request);
    expect(hostile.plan.sizes['vary-1']).toEqual({ width: 1152, height: 832 });
    expect(Object.keys(hostile.plan.sizes)).toContain('__proto__');
  });

  it('a hostile file gives at most a bounded list of errors', () => {
    const d = doc();
    d.nodes = Array.from({ length: 500 }, (_, k) => ({
      id: `n${k}`,
      kind: 'nope',
      kindVersion: 1,
      params: {},
    }));
    const r = parse(d);
    expect(r.ok).toBe(false);
    // 50 listed, then one line that counts the rest.
    if (!r.ok) expect(r.errors.length).toBeLessThanOrEqual(51);
    if (!r.ok)
      expect(r.errors.at(-1)).toEqual({
        path: '(more)',
        message: expect.stringMatching(/^\+\d+ more problems not listed/),
      });
  });
});

describe('migration chain', () => {
  afterEach(() => {
    delete KIND_MIGRATIONS.testKind;
  });

  it('version 2 is current; a version-1 document gains an empty assets table', () => {
    const d = doc();
    const m = migrateDocument(d);
    expect(m).toEqual({ ok: true, doc: { ...d, version: 2, assets: {} }, from: 1 });
    expect(WORKFLOW_VERSION).toBe(2);
    const v2 = { ...d, version: 2, assets: {} };
    expect(migrateDocument(v2)).toEqual({ ok: true, doc: v2, from: 2 });
  });

  it('refuses versions that are not whole numbers ≥ 1', () => {
    for (const version of [undefined, 0, -1, 1.5, '1', null]) {
      const m = migrateDocument({ ...doc(), version });
      expect(m.ok, String(version)).toBe(false);
      if (!m.ok) expect(m.path).toBe('version');
    }
  });

  it('refuses a newer version with a message to update', () => {
    const m = migrateDocument({ ...doc(), version: WORKFLOW_VERSION + 1 });
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.message).toMatch(/newer Fooocus Flow/);
  });

  it('kind param migrations run n → n+1 in order, and a gap refuses', () => {
    KIND_MIGRATIONS.testKind = {
      1: (p) => ({ ...p, steps: [...((p.steps as string[]) ?? []), '1→2'] }),
      2: (p) => ({ ...p, steps: [...((p.steps as string[]) ?? []), '2→3'] }),
    };
    expect(migrateParams('testKind', 1, 3, {})).toEqual({ steps: ['1→2', '2→3'] });
    expect(migrateParams('testKind', 2, 3, {})).toEqual({ steps: ['2→3'] });
    expect(migrateParams('testKind', 3, 3, { a: 1 })).toEqual({ a: 1 });
    expect(migrateParams('testKind', 1, 4, {})).toBeNull();
  });

  it('parseWorkflowJson reports a migration gap on the node', () => {
    const d = doc();
    d.nodes[1]!.kindVersion = 1;
    expect(parseWorkflowJson(d).ok).toBe(true);
  });
});

describe('loading: BOM, unknown keys, one line per path, node names, readable messages', () => {
  it('a UTF-8 byte order mark before the JSON is dropped', () => {
    const r = parseWorkflowText('\ufeff' + JSON.stringify(doc()));
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
    const bad = parseWorkflowText('\ufeff{"format":');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]!.message).toMatch(/not valid JSON at line 1, column 11/);
  });

  it('an empty file says so', () => {
    expectError(parse(''), '(file)', /is empty/);
    expectError(parse(' \n'), '(file)', /is empty/);
  });

  it('unknown params load with a warning at their path, with "did you mean" for close names', () => {
    const d = doc();
    d.nodes[1]!.params = { method: 'Vary (Strong)', bogus_field: 1, strenght: 0.5 };
    const r = parse(d);
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
    if (!r.ok) return;
    expect(r.workflow.nodes[1]!.params).not.toHaveProperty('bogus_field');
    expect(r.warnings.map((w) => w.path)).toEqual([
      'nodes[1].params.bogus_field',
      'nodes[1].params.strenght',
    ]);
    expect(r.warnings[0]!.message).toMatch(/unknown Vary parameter "bogus_field", ignored$/);
    expect(r.warnings[1]!.message).toMatch(/did you mean "strength"\?/);
    expect(formatFileError(r.warnings[1]!)).toBe(
      'nodes[1] (v "Vary").params.strenght: unknown Vary parameter "strenght", ignored; did you mean "strength"?',
    );
  });

  it('unknown keys of the file, a node and an edge are warnings too (a misspelt "params" loses them all)', () => {
    const d = doc() as Record<string, unknown> & {
      nodes: Record<string, unknown>[];
      edges: Record<string, unknown>[];
    };
    d.exposd = [];
    d.nodes[1]!.parms = d.nodes[1]!.params;
    delete d.nodes[1]!.params;
    d.edges[0]!.colour = 'red';
    const r = parse(d);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      'exposd: unknown key "exposd", ignored; did you mean "exposed"?',
      'nodes[1].parms: unknown key "parms", ignored; did you mean "params"?',
      'edges[0].colour: unknown key "colour", ignored',
    ]);
  });

  it('a deeply nested unknown param is one warning, not a crash', () => {
    const depth = 100_000;
    const text = JSON.stringify(doc()).replace(
      '"params":{}',
      `"params":{"junk":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
    );
    const r = parseWorkflowText(text);
    expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
    if (r.ok) expect(r.warnings.map((w) => w.path)).toEqual(['nodes[2].params.junk']);
  });

  it('one error line per path (a 2**60 seed is both "not a safe integer" and "too big")', () => {
    const d = doc();
    d.nodes.push({ id: 'ps', kind: 'promptSettings', kindVersion: 1, params: { image_seed: 2 ** 60 } });
    const r = parse(d);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.path).toBe('nodes[3].params.image_seed');
    expect(r.errors[0]!.message).toMatch(/^at most 9007199254740991, got /);
  });

  it('errors name the node (id and label or kind title) and say what to write', () => {
    const d = doc();
    d.nodes.push({
      id: 'promptSettings-1',
      kind: 'promptSettings',
      kindVersion: 1,
      params: { image_number: 33, performance_selection: 'Fast', prompt: 5, clip_skip: 1.5 },
    });
    d.nodes[1]!.label = 'My vary';
    d.nodes[1]!.params = { method: 'Vary (Medium)' };
    const r = parse(d);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatFileError)).toEqual([
      'nodes[1] (v "My vary").params.method: must be one of "Vary (Subtle)", "Vary (Strong)", "Disabled"; got "Vary (Medium)"',
      'nodes[3] (promptSettings-1 "Prompt & Settings").params.prompt: expected a string, got 5',
      'nodes[3] (promptSettings-1 "Prompt & Settings").params.performance_selection: must be one of "Quality", "Speed", "Extreme Speed", "Lightning", "Hyper-SD"; got "Fast"',
      'nodes[3] (promptSettings-1 "Prompt & Settings").params.image_number: at most 32, got 33',
      'nodes[3] (promptSettings-1 "Prompt & Settings").params.clip_skip: must be a whole number, got 1.5',
    ]);
    expect(r.errors[0]!.node).toBe('v "My vary"');
  });

  it('an unknown kind suggests the close one', () => {
    const d = doc();
    d.nodes[1]!.kind = 'Vary';
    expectError(parse(d), 'nodes[1].kind', /unknown node kind "Vary"; did you mean "vary"\?/);
  });
});
