import { compile } from '../../compiler/compile.ts';
import type { CompileResult, Diagnostic } from '../../compiler/types.ts';
import { useEditor } from './editor-store.ts';

/** How long the document must be still before the compiler runs; typing never waits for it. */
export const COMPILE_DEBOUNCE_MS = 120;

function sameDiags(a: Diagnostic[], b: Diagnostic[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

export function groupDiagnostics(
  prev: Record<string, Diagnostic[]>,
  res: CompileResult,
): Record<string, Diagnostic[]> {
  const next: Record<string, Diagnostic[]> = {};
  for (const d of res.diagnostics) if (d.nodeId) (next[d.nodeId] ??= []).push(d);
  for (const [id, list] of Object.entries(next)) {
    const old = prev[id];
    if (old && sameDiags(old, list)) next[id] = old;
  }
  return next;
}

/** Compiles the current document now (tests, export). */
export function compileNow(): CompileResult {
  const s = useEditor.getState();
  const res = compile(s.doc);
  useEditor.setState({
    compiled: res,
    compiledRevision: s.docRevision,
    diagByNode: groupDiagnostics(s.diagByNode, res),
  });
  return res;
}

/** Recompiles whenever the document changes, debounced, outside the input event. */
export function startCompileScheduler(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (useEditor.getState().compiledRevision !== useEditor.getState().docRevision) compileNow();
    }, COMPILE_DEBOUNCE_MS);
  };
  schedule();
  const unsub = useEditor.subscribe((s, prev) => {
    if (s.docRevision !== prev.docRevision) schedule();
  });
  return () => {
    unsub();
    if (timer) clearTimeout(timer);
  };
}
