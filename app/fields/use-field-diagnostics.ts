import { useMemo } from 'react';
import type { Diagnostic } from '../../compiler/types.ts';
import { useRun } from '../run/run-store.ts';
import { useEditor } from '../store/editor-store.ts';

const NONE: Diagnostic[] = [];

/** The compiler's diagnostics for one node, plus what the server said about it in the last run. */
export function useNodeDiagnostics(nodeId: string): Diagnostic[] {
  const compiled = useEditor((s) => s.diagByNode[nodeId] ?? NONE);
  const server = useRun((s) => s.serverDiags[nodeId] ?? NONE);
  return useMemo(
    () => (server === NONE ? compiled : compiled === NONE ? server : [...server, ...compiled]),
    [compiled, server],
  );
}

export function useFieldDiagnostics(nodeId: string, field: string): Diagnostic[] {
  const all = useNodeDiagnostics(nodeId);
  return useMemo(() => {
    const out = all.filter((d) => d.field === field);
    return out.length ? out : NONE;
  }, [all, field]);
}
