/**
 * The app server's batches (server/batch-app/batch-routes.ts), from the editor. Replies are
 * validated with zod; an error reply's `detail` becomes the message.
 */
import * as z from '../../contract/zod-mini.ts';

export const BATCH_BASE = '/app/batches';

/** Why an item failed, as a code the dialog words (server/batch/item-problem.ts); unknown codes show `error`. */
const problemSchema = z.object({
  code: z.string().check(z.maxLength(100)),
  input: z.optional(z.string().check(z.maxLength(200))),
  file: z.optional(z.string().check(z.maxLength(500))),
  texts: z.optional(
    z
      .array(z.object({ en: z.string().check(z.maxLength(2000)), zh: z.string().check(z.maxLength(2000)) }))
      .check(z.maxLength(20)),
  ),
  message: z.optional(z.string().check(z.maxLength(2000))),
});

const itemSchema = z.object({
  id: z.string(),
  index: z.int(),
  label: z.string().check(z.maxLength(500)),
  state: z.enum(['queued', 'running', 'collecting', 'done', 'failed']),
  error: z.optional(z.string().check(z.maxLength(5000))),
  problem: z.optional(problemSchema),
  progress: z.optional(z.number()),
  /** The engine's word for where a running item is (queued, running, …): only matched, never shown. */
  phase: z.optional(z.string().check(z.maxLength(200))),
  files: z.optional(z.array(z.string().check(z.maxLength(1000))).check(z.maxLength(1000))),
  thumbs: z.optional(
    z.object({ input: z.optional(z.string()), results: z.array(z.string()).check(z.maxLength(1000)) }),
  ),
});
const statusSchema = z.object({
  id: z.string().check(z.regex(/^[0-9a-f]{16}$/)),
  workflowName: z.string(),
  input: z.string(),
  state: z.enum(['new', 'running', 'stopping', 'stopped', 'finished']),
  inputs: z.array(z.string()).check(z.maxLength(100_000)),
  items: z.array(itemSchema).check(z.maxLength(100_000)),
  messages: z.array(z.string().check(z.maxLength(5000))).check(z.maxLength(50)),
});
export type BatchStatus = z.infer<typeof statusSchema>;
export type BatchItemStatus = z.infer<typeof itemSchema>;
const errorSchema = z.object({ detail: z.string() });

export class BatchRequestError extends Error {
  constructor(
    message: string,
    /** The app server's HTTP status (404: no such batch). */
    readonly status: number,
  ) {
    super(message);
  }
}

async function call(path: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(`${BATCH_BASE}${path}`, { ...init, headers: { accept: 'application/json' } });
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) return body;
  const detail = errorSchema.safeParse(body);
  throw new BatchRequestError(
    detail.success ? detail.data.detail.slice(0, 500) : `the app server answered ${res.status}`,
    res.status,
  );
}

export async function createBatch(workflow: string, input: string): Promise<string> {
  const body = await call('', { method: 'POST', body: JSON.stringify({ workflow, input }) });
  return z.object({ id: z.string().check(z.regex(/^[0-9a-f]{16}$/)) }).parse(body).id;
}

export async function uploadBatchImage(id: string, file: File): Promise<string> {
  const body = await call(`/${id}/inputs/${encodeURIComponent(file.name)}`, { method: 'PUT', body: file });
  return z.object({ name: z.string() }).parse(body).name;
}

const listSchema = z.object({
  batches: z
    .array(
      z.object({
        id: z.string().check(z.regex(/^[0-9a-f]{16}$/)),
        workflowName: z.string(),
        createdAt: z.number(),
      }),
    )
    .check(z.maxLength(100_000)),
});
export type BatchEntry = z.infer<typeof listSchema>['batches'][number];
export const listBatches = async () => listSchema.parse(await call('')).batches;

export const batchStatus = async (id: string) => statusSchema.parse(await call(`/${id}`));
export const startBatch = async (id: string) =>
  statusSchema.parse(await call(`/${id}/start`, { method: 'POST' }));
export const stopBatch = async (id: string) =>
  statusSchema.parse(await call(`/${id}/stop`, { method: 'POST' }));

/** The workflow file the batch was made from (JSON, untrusted: open it with openWorkflowJson). */
export const batchWorkflow = (id: string) => call(`/${id}/workflow`);

export const batchFileUrl = (id: string, rel: string) =>
  `${BATCH_BASE}/${id}/files/${rel.split('/').map(encodeURIComponent).join('/')}`;
export const batchInputUrl = (id: string, name: string) =>
  `${BATCH_BASE}/${id}/inputs/${encodeURIComponent(name)}`;
export const batchZipUrl = (id: string) => `${BATCH_BASE}/${id}/zip`;
