/**
 * Shared helpers for the compiler, node and CLI tests: stand-in images, the seed requests, and the
 * checks every compiled request must pass (strict schema, no server-owned field, bilingual messages).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { SERVER_OWNED_FIELDS, defaultRequest, strictRequestSchema } from '../../contract/index.ts';
import type { CommonRequest, FooocusRequest } from '../../contract/fields.ts';
import type { CompileResult, Diagnostic } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = `${REPO}test/fixtures`;

/**
 * A stand-in image string: a data URL the compiler passes through untouched (it never decodes), so
 * tests can tell which node's image landed in which request field. Data URLs also avoid G-27.
 */
export function img(name: string): string {
  return `data:image/png;base64,${Buffer.from(name).toString('base64')}`;
}

/** The four seed requests of shared/seeds (README), as stored in test/fixtures/seeds. */
export const SEED_NAMES = [
  'vary-image-prompt',
  'inpaint-image-prompt',
  'vary-inpaint-image-prompt',
  'enhance-chain',
] as const;
export type SeedName = (typeof SEED_NAMES)[number];

export function loadSeed(name: SeedName): Record<string, unknown> {
  return JSON.parse(readFileSync(`${FIXTURES}/seeds/${name}.json`, 'utf8')) as Record<string, unknown>;
}

/** What a diagnostic is, without its words: the part golden files and tests compare. */
export interface DiagKey {
  severity: Diagnostic['severity'];
  code: string;
  nodeId?: string | undefined;
  field?: string | undefined;
}

export function diagKeys(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.severity} ${d.code} ${d.nodeId ?? '-'}`).sort();
}

export function keyOf(d: DiagKey): string {
  return `${d.severity} ${d.code} ${d.nodeId ?? '-'}`;
}

/** Every message (and fix label) exists in English and Chinese. */
export function expectBilingual(diags: readonly Diagnostic[]): void {
  for (const d of diags) {
    expect(d.message.en.trim(), `${d.code} en`).not.toBe('');
    expect(d.message.zh.trim(), `${d.code} zh`).not.toBe('');
    if (d.fix) {
      expect(d.fix.label.en.trim()).not.toBe('');
      expect(d.fix.label.zh.trim()).not.toBe('');
    }
  }
}

/** The request passes the strict schema and never carries a field the server overwrites. */
export function expectSendable(request: FooocusRequest): void {
  const parsed = strictRequestSchema.safeParse(request);
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
  for (const f of [
    'current_tab',
    'input_image_checkbox',
    'invert_mask_checkbox',
    'inpaint_advanced_masking_checkbox',
  ]) {
    expect(request, f).not.toHaveProperty(f);
  }
  for (const f of SERVER_OWNED_FIELDS) expect(request, f).not.toHaveProperty(f);
  if (request.image_seed !== undefined) {
    expect(Number.isSafeInteger(request.image_seed)).toBe(true);
    expect(request.image_seed).toBeGreaterThanOrEqual(0);
  }
}

/** compile + the checks that hold for every result. */
export function compileChecked(wf: Workflow, options: Parameters<typeof compile>[1] = {}): CompileResult {
  const r = compile(wf, options);
  expectSendable(r.request);
  expectBilingual(r.diagnostics);
  expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
  return r;
}

const DEFAULTS = defaultRequest();

/** The value the server works with: the request's own, else the API default. */
export function effective<K extends keyof CommonRequest>(
  request: FooocusRequest,
  field: K,
): CommonRequest[K] {
  return (request[field] ?? DEFAULTS[field]) as CommonRequest[K];
}

export function findDiag(
  diags: readonly Diagnostic[],
  code: string,
  nodeId?: string,
): Diagnostic | undefined {
  return diags.find((d) => d.code === code && (nodeId === undefined || d.nodeId === nodeId));
}

/** Collects what a CLI command writes. */
export function captureIO() {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (s: string) => ((out += s), true) },
      stderr: { write: (s: string) => ((err += s), true) },
    },
    get stdout() {
      return out;
    },
    get stderr() {
      return err;
    },
  };
}
