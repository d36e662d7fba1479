import type { CompileResult, Diagnostic } from '../types.ts';

/**
 * A compile result with `prepareImages`' findings folded in (one list; `ok` only when neither has
 * an error). Compile's findings all stay — both can speak about one node, each about a different
 * fact — except two that prepare's pixels settle: a word-for-word repeat, and what compile says
 * about the encoding of an image that cannot be decoded at all.
 */
export function withPrepareDiagnostics(res: CompileResult, prepared: readonly Diagnostic[]): CompileResult {
  if (prepared.length === 0) return res;
  const key = (d: Diagnostic) =>
    `${d.code}\u0000${d.nodeId ?? ''}\u0000${d.field ?? ''}\u0000${d.message.en}`;
  const repeated = new Set(prepared.map(key));
  const undecodable = new Set(prepared.filter((d) => d.code === 'S-bad-image').map((d) => d.nodeId));
  const compiled = res.diagnostics.filter(
    (d) => !repeated.has(key(d)) && !(d.code === 'S-image-encoding' && undecodable.has(d.nodeId)),
  );
  return {
    ...res,
    diagnostics: [...prepared, ...compiled],
    ok: res.ok && !prepared.some((d) => d.severity === 'error'),
  };
}
