/**
 * The rule registry (compiler/rules/registry.ts): each G-code of fooocus-semantics §4 has exactly one
 * owner, every code raised anywhere in the sources is registered, raised only in its owner's file
 * and only with a severity the registry lists for it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, type RuleCode } from '../../compiler/rules/registry.ts';
import { buildCases } from '../fixtures/golden/cases.ts';
import { compileChecked } from './helpers.ts';

const ROOT = join(import.meta.dirname, '../..');
const SOURCE_DIRS = ['contract', 'nodes', 'compiler', 'api', 'server', 'app', 'cli'];
const registered = (code: string): code is RuleCode => Object.hasOwn(RULES, code);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every place a diagnostic code is raised: `d.error('G-9', …)` and friends, or `code: 'G-9'` in a literal. */
function raises() {
  const out: { file: string; code: string; severity?: string }[] = [];
  const methodSeverity = { error: 'error', warn: 'warning', info: 'info' } as const;
  for (const file of SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)))) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(ROOT, file);
    for (const m of text.matchAll(/\.(error|warn|info)\(\s*'([GS]-[\w-]+)'/g))
      out.push({ file: rel, code: m[2]!, severity: methodSeverity[m[1] as keyof typeof methodSeverity] });
    for (const m of text.matchAll(/\.add\(\s*[^,]+,\s*'([GS]-[\w-]+)'/g))
      out.push({ file: rel, code: m[1]! });
    for (const m of text.matchAll(/\bcode:\s*'([GS]-[\w-]+)'/g)) out.push({ file: rel, code: m[1]! });
  }
  return out;
}

/** The G-codes of the semantics tables: from the document when it is at hand, else its stated range G-1..G-28. */
function semanticsCodes(): string[] {
  const doc = ['../shared/docs', '../../shared/docs', '../../../shared/docs']
    .map((d) => join(ROOT, d, 'fooocus-semantics.md'))
    .find((p) => existsSync(p));
  if (doc) {
    const codes = [...readFileSync(doc, 'utf8').matchAll(/^\| (G-\d+) \|/gm)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThanOrEqual(28);
    return codes;
  }
  return Array.from({ length: 28 }, (_, i) => `G-${i + 1}`);
}

describe('rule registry', () => {
  const found = raises();

  it('gives each G-code of the semantics tables exactly one owner, an existing file', () => {
    for (const code of semanticsCodes()) {
      expect(registered(code), code).toBe(true);
      const { owner } = RULES[code as RuleCode];
      expect(existsSync(join(ROOT, owner)), `${code} → ${owner}`).toBe(true);
    }
    for (const [code, { owner }] of Object.entries(RULES))
      expect(existsSync(join(ROOT, owner)), `${code} → ${owner}`).toBe(true);
  });

  it('finds the raise sites it checks (the scan is not blind)', () => {
    expect(found.length).toBeGreaterThan(60);
    expect(found.some((f) => f.code === 'G-9' && f.file === 'compiler/rules/direct-return.ts')).toBe(true);
  });

  it('registers every code raised in the sources, raised only in its owner file', () => {
    for (const { file, code } of found) {
      expect(registered(code), `${code} raised in ${file} is not in the registry`).toBe(true);
      if (registered(code)) expect(file, `${code} is owned by ${RULES[code].owner}`).toBe(RULES[code].owner);
    }
  });

  it('raises codes the compiler fixes by construction nowhere, and every other code somewhere', () => {
    const raised = new Set(found.map((f) => f.code));
    for (const [code, rule] of Object.entries(RULES))
      expect(raised.has(code), code).toBe(rule.severities.length > 0);
  });

  it('raises each code only with a severity its registry entry lists (severity policy)', () => {
    for (const { file, code, severity } of found) {
      if (!severity || !registered(code)) continue;
      expect(RULES[code].severities as readonly string[], `${code} as ${severity} in ${file}`).toContain(
        severity,
      );
    }
    for (const c of buildCases()) {
      for (const d of compileChecked(c.workflow).diagnostics) {
        expect(registered(d.code), d.code).toBe(true);
        if (registered(d.code))
          expect(RULES[d.code].severities as readonly string[], `${c.name}: ${d.code}`).toContain(d.severity);
      }
    }
  });
});
