/** Step 1: what was given — a request, or the request inside a task record (contract §5.5). */
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';
import type { DecompileError } from './types.ts';
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const isRecord = (
  v: unknown,
): v is Record<string, unknown> & { task_id: unknown; req_params: unknown } =>
  isObject(v) && 'task_id' in v && 'req_params' in v;

/** A request, or the request inside a task record; refuses workflows and ambiguous lists. */
export function recognise(
  input: unknown,
  notes: LocalText[],
): { request: Record<string, unknown> } | { errors: DecompileError[] } {
  const err = (path: string, message: string) => ({ errors: [{ path, message }] });
  if (isObject(input) && typeof input.format === 'string' && input.format.startsWith('fooocus-flow/')) {
    return err(
      'format',
      'this is already a workflow (a Fooocus Flow file), not a FooocusAPI request; use "fooocus-flow compile" to turn it into a request, or open it in the editor',
    );
  }
  let records: unknown[] | undefined;
  let where = '';
  if (Array.isArray(input)) records = input;
  else if (isObject(input)) {
    const reply = input;
    // The GET /tasks reply: {history, current, pending}.
    if (['history', 'current', 'pending'].every((k) => Array.isArray(reply[k])))
      records = ['current', 'pending', 'history'].flatMap((k) => reply[k] as unknown[]);
    if (records) where = ' (the GET /tasks reply)';
  }
  if (records) {
    if (records.length === 0)
      return err(
        '(top level)',
        `an empty list${where}: no task record to decompile (GET /tasks/{id} answers [] for an unknown id)`,
      );
    if (!records.every(isRecord))
      return err('(top level)', 'expected a JSON object (a FooocusAPI request or a task record), got a list');
    if (records.length > 1)
      return err(
        '(top level)',
        `holds ${records.length} task records${where}; decompile one at a time (e.g. jq '${where ? '.history[0]' : '.[0]'}' file.json)`,
      );
    input = records[0];
  }
  if (!isObject(input))
    return err('(top level)', 'expected a JSON object (a FooocusAPI request or a task record)');
  if (!isRecord(input)) return { request: input };
  const id = typeof input.task_id === 'string' ? input.task_id : String(input.task_id);
  if (!isObject(input.req_params) || Object.keys(input.req_params).length === 0) {
    return err(
      'req_params',
      `task ${id} has no request parameters (the async reply's stub has {}); fetch GET /tasks/${id} and decompile that`,
    );
  }
  notes.push(
    t(
      `This is a task record (task ${id}); its req_params were decompiled.`,
      `这是一条任务记录（任务 ${id}）；已反编译其 req_params。`,
    ),
  );
  return { request: input.req_params };
}
