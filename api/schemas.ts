/**
 * zod schemas for every reply the client reads (contract §5, §6). Each reply is checked before
 * use, so a wrong server (or a changed FooocusAPI) fails with a message naming the bad field
 * instead of an `undefined` deep inside the editor. Extra keys are tolerated: versions differ.
 */
import * as z from '../contract/zod-mini.ts';
import { FooocusApiError, messages } from './errors.ts';

const millis = z.nullable(z.number());

/**
 * The task record (sync reply, `/tasks/{id}`, `/tasks` items). One loose shape covers all of its
 * states: the async stub ("pending", id -1), the queued DB row (status null), the in-memory running
 * record (with `preview`), and the finished DB row ("finished" | "stop" | "skip").
 */
export const taskRecordSchema = z.looseObject({
  id: z.optional(z.number()),
  task_id: z.string().check(z.minLength(1)),
  req_params: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  in_queue_mills: z.optional(millis),
  start_mills: z.optional(millis),
  finish_mills: z.optional(millis),
  task_status: z.nullable(z.string()),
  progress: z.optional(z.nullable(z.number())),
  preview: z.optional(z.nullable(z.string())),
  webhook_url: z.optional(z.nullable(z.string())),
  result: z.optional(z.nullable(z.array(z.string()))),
});
export type TaskRecord = z.infer<typeof taskRecordSchema>;

export const taskListSchema = z.looseObject({
  history: z.array(taskRecordSchema),
  current: z.array(taskRecordSchema),
  pending: z.array(taskRecordSchema),
});
export type TaskList = z.infer<typeof taskListSchema>;

/** One SSE `data:` payload of a streaming generate (contract §5.3). */
export const streamEventSchema = z.looseObject({
  progress: z.number(),
  preview: z.optional(z.nullable(z.string())),
  message: z.string(),
  images: z.optional(z.array(z.string())),
});
export type StreamEvent = z.infer<typeof streamEventSchema>;

export const modelListSchema = z.looseObject({
  model_filenames: z.array(z.string()),
  lora_filenames: z.array(z.string()),
});
export type ModelList = z.infer<typeof modelListSchema>;

export const styleListSchema = z.array(z.string());
export const describeSchema = z.looseObject({ describe: z.string() });
/** generate_mask answers a bare JSON string: base64 PNG without a data: prefix. */
export const maskSchema = z.string();
export const controlSchema = z.looseObject({ message: z.string() });

export const validationDetailSchema = z.looseObject({
  type: z.string(),
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  input: z.optional(z.unknown()),
  ctx: z.optional(z.record(z.string(), z.unknown())),
});
export const validationBodySchema = z.looseObject({ detail: z.array(validationDetailSchema) });

/** Parse `value` or throw a `bad-reply` error that names the first wrong field and what was found. */
export function parseReply<T>(schema: z.core.$ZodType<T>, value: unknown, what: string): T {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `field "${issue.path.join('.')}"` : 'the reply';
  const problem = `${where}: ${issue?.message ?? 'invalid'} (got ${preview(value, issue?.path ?? [])})`;
  throw new FooocusApiError({ kind: 'bad-reply', ...messages.badReply(what, problem) });
}

function preview(value: unknown, path: readonly PropertyKey[]): string {
  let v: unknown = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') break;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  const text = v === undefined ? 'nothing' : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
