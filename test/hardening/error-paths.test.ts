/**
 * Every refusal of hostile input says where: the cases the fuzz harness found without a usable
 * path (a too-long list under an empty key in a request to decompile; asset keys that are not
 * hashes in a paste, whose path held colons and control characters and whose message was zod's
 * "Invalid key in record").
 */
import { describe, expect, it } from 'vitest';
import { fromClipboardText, toClipboardText } from '../../compiler/authoring/clipboard.ts';
import { decompileText } from '../../compiler/decompile.ts';
import { jsonPath, MAX_KEY_SHOWN } from '../../compiler/json-path.ts';
import { MAX_LIST_ITEMS } from '../../compiler/list-limits.ts';
import { parseWorkflowText } from '../../compiler/workflow-file/index.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../compiler/helpers.ts';

const longList = JSON.stringify(Array.from({ length: MAX_LIST_ITEMS + 1 }, () => 1));

function pasteWithAssetKeys(keys: string[]): string {
  const parsed = parseWorkflowText(
    readFileSync(join(FIXTURES, 'workflows/template-inpaint-image-prompt.json'), 'utf8'),
  );
  if (!parsed.ok) throw new Error('fixture does not parse');
  const doc = JSON.parse(toClipboardText(parsed.workflow.nodes, parsed.workflow.edges)) as Record<
    string,
    unknown
  >;
  const entry = { type: 'image/png', width: 1, height: 1, bytes: 10 };
  doc.assets = Object.fromEntries(keys.map((k) => [k, entry]));
  return JSON.stringify(doc);
}

describe('JSON paths in errors', () => {
  it('writes plain names dotted, indexes in brackets, odd keys quoted and escaped', () => {
    expect(jsonPath(['nodes', 3, 'params', 'prompt'])).toBe('nodes[3].params.prompt');
    expect(jsonPath([])).toBe('(top level)');
    expect(jsonPath([''])).toBe('[""]');
    expect(jsonPath(['assets', 'data:image/png'])).toBe('assets["data:image/png"]');
    expect(jsonPath(['a', 'x\u0007\f'])).toBe('a["x\\u0007\\f"]');
    expect(jsonPath(['b', 0], 'controlnet_image')).toBe('controlnet_image.b[0]');
    const long = jsonPath(['k'.repeat(MAX_KEY_SHOWN) + 'TAIL']);
    expect(long).toBe(`["${'k'.repeat(MAX_KEY_SHOWN)}…"]`);
    // An asset's hash is a plain key: the path to its entry stays whole.
    const hash = '0123456789abcdef'.repeat(4);
    expect(jsonPath(['assets', hash, 'width'])).toBe(`assets.${hash}.width`);
  });
});

describe('decompile: a too-long list is named by its key, even an empty or odd one', () => {
  it('an empty key', () => {
    const r = decompileText(`{"prompt":"fox","":${longList}}`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.path).toBe('[""]');
    expect(r.errors[0]!.message).toMatch(/at most 1000 are accepted\. Remove the extra items/);
  });

  it('a key with dots and a control character', () => {
    const r = decompileText(`{"prompt":"fox","a.b\\u001b":${longList}}`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]!.path).toBe('["a.b\\u001b"]');
  });

  it('a known list keeps its plain path', () => {
    const r = decompileText(
      `{"prompt":"fox","style_selections":${JSON.stringify(Array(MAX_LIST_ITEMS + 1).fill('x'))}}`,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]!.path).toBe('style_selections');
  });
});

describe('paste: asset keys that are not hashes', () => {
  it('each bad key is one error with a quoted path and what a key must be', () => {
    const r = fromClipboardText(pasteWithAssetKeys(['data:image/png;base64,iVBORw0KGgo=', '\u202eevil']));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors?.map((e) => e.path)).toEqual([
      'assets["data:image/png;base64,iVBORw0KGgo="]',
      'assets["\u202eevil"]',
    ]);
    for (const e of r.errors!) {
      expect(e.message).toMatch(/^not a valid key \(an asset key is the lower-case hex SHA-256/);
      expect(e.message).toMatch(/rename or remove this entry$/);
      expect(e.message).not.toMatch(/Invalid key in record/);
    }
    expect(r.reason).toContain('assets["data:image/png;base64,iVBORw0KGgo="]: not a valid key');
  });

  it('a good key pastes', () => {
    const r = fromClipboardText(pasteWithAssetKeys(['a'.repeat(64)]));
    expect(r.ok).toBe(true);
  });

  it('opening a workflow file names the same path', () => {
    const doc = JSON.parse(pasteWithAssetKeys(['x:y'])) as Record<string, unknown>;
    const file = { ...doc, format: 'fooocus-flow/workflow', version: doc.workflowVersion, exposed: [] };
    delete (file as Record<string, unknown>).workflowVersion;
    const r = parseWorkflowText(JSON.stringify(file));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toContain('assets["x:y"]');
  });
});
