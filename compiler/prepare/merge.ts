import type { CompileResult, Diagnostic } from '../types.ts';

/**
 * A compile result with `prepareImages`' findings folded in (one list; `ok` only when neither has
 * an error). Where both report one rule on one node — G-6, a mask's size, which compile infers from
 * stored sizes and prepare measures — prepare's word wins: it saw the pixels.
 */
export function withPrepareDiagnostics(res: CompileResult, prepared: readonly Diagnostic[]): CompileResult {
  if (prepared.length === 0) return res;
  const seen = new Set(prepared.map((d) => `${d.code}\u0000${d.nodeId ?? ''}`));
  const compiled = res.diagnostics.filter((d) => !seen.has(`${d.code}\u0000${d.nodeId ?? ''}`));
  const diagnostics = [...prepared, ...compiled];
  return { ...res, diagnostics, ok: res.ok && !prepared.some((d) => d.severity === 'error') };
}
