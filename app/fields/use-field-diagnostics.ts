import { useMemo } from 'react';
import type { Diagnostic } from '../../compiler/types.ts';
import { useEditor } from '../store/editor-store.ts';

const NONE: Diagnostic[] = [];

/** The compiler's diagnostics for one node (and optionally one field of it). */
export function useNodeDiagnostics(nodeId: string): Diagnostic[] {
  return useEditor((s) => s.diagByNode[nodeId] ?? NONE);
}

export function useFieldDiagnostics(nodeId: string, field: string): Diagnostic[] {
  const all = useNodeDiagnostics(nodeId);
  return useMemo(() => {
    const out = all.filter((d) => d.field === field);
    return out.length ? out : NONE;
  }, [all, field]);
}
