/**
 * Node params the kind's schema refuses (S-param) and nodes of a kind this version does not know
 * (S-unknown-kind). Runs first: every later step reads params as the schema parsed them.
 */
import { t } from '../../nodes/field.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import { getKind } from '../../nodes/registry.ts';
import type { DiagnosticList } from '../diagnostics.ts';

/** Params as the kind's schema reads them; a bad value is reported on its field and replaced by defaults. */
export function validatedParams(n: WorkflowNode, d: DiagnosticList): WorkflowNode {
  const kind = getKind(n.kind);
  if (!kind) {
    d.error('S-unknown-kind', n.id, t(`Unknown node kind "${n.kind}".`, `未知的节点类型“${n.kind}”。`));
    return n;
  }
  const parsed = kind.params.safeParse(n.params);
  if (parsed.success) return { ...n, params: parsed.data as Record<string, unknown> };
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    d.error('S-param', n.id, t(`${field}: ${issue.message}`, `${field}：${issue.message}`), { field });
  }
  const fallback = kind.params.safeParse(
    Object.fromEntries(
      Object.entries(n.params).filter(([k]) => !parsed.error.issues.some((i) => i.path[0] === k)),
    ),
  );
  return {
    ...n,
    params: (fallback.success ? fallback.data : kind.params.parse({})) as Record<string, unknown>,
  };
}
