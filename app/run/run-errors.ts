/** What the Run panel says about a failed run: one message for the run, the server's field errors on their nodes. */
import { FooocusApiError } from '../../api/index.ts';
import type { Diagnostic } from '../../compiler/types.ts';
import { t } from '../../nodes/field.ts';
import { serverDownText, serverUnreachable } from './server-down.ts';
import { apiOriginShown } from './settings.ts';

/** Node-level diagnostics for server errors, grouped by node. */
export function groupServerErrors(
  errors: { nodeId?: string | undefined; param?: string | undefined; message: string; field: string }[],
) {
  const byNode: Record<string, Diagnostic[]> = {};
  const loose: { field: string; message: string }[] = [];
  for (const e of errors) {
    if (!e.nodeId) {
      loose.push({ field: e.field, message: e.message });
      continue;
    }
    (byNode[e.nodeId] ??= []).push({
      severity: 'error',
      code: 'server',
      nodeId: e.nodeId,
      field: e.param,
      message: t(`The server rejected ${e.field}: ${e.message}`, `服务器拒绝了 ${e.field}：${e.message}`),
    });
  }
  return { byNode, loose };
}

export function describe(e: unknown): { en: string; zh: string } {
  // Never the raw "HTTP 502: {detail: …ECONNREFUSED…}": what happened and what to do.
  if (serverUnreachable(e)) return serverDownText(apiOriginShown());
  if (e instanceof FooocusApiError) return { en: e.message, zh: e.messageZh ?? e.message };
  const msg = e instanceof Error ? e.message : String(e);
  return { en: `The run failed: ${msg}`, zh: `运行失败：${msg}` };
}
