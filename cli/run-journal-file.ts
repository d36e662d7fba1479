/**
 * The CLI's run journal: `<out>/run-journal.json`, written before the request is sent and at every
 * state change, atomically (a temp file renamed over the old one), so a run killed at any moment
 * leaves a readable journal that `fooocus-flow run --resume <out>` picks up. It holds the journal
 * entry of api/tracked-run.ts plus what the CLI needs to write run.json exactly like a normal run.
 * It is removed once run.json is in place. Read back as untrusted input (zod).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RunJournal, RunJournalEntry } from '../api/run-journal.ts';
import { laxRequestSchema } from '../contract/index.ts';
import type { Diagnostic, Plan } from '../compiler/types.ts';
import { parseWorkflowText, serializeWorkflow } from '../compiler/workflow-file/index.ts';
import type { Workflow } from '../nodes/graph.ts';
import { writeAtomically } from '../server/file-io.ts';

export { writeAtomically };

export const JOURNAL_FILE = 'run-journal.json';
const FORMAT = 'fooocus-flow/run-journal';

/** What run.json needs besides the task: fixed when the run starts. */
export interface RunContext {
  workflow: Workflow;
  plan: Plan;
  diagnostics: Diagnostic[];
  /** The server given with --api; null for the built-in simulated engine (it ends with the process). */
  api: string | null;
}

/** The recorded run context of a journal (one-request or pipeline), with that journal's plan schema. */
export function contextSchema<P extends z.ZodType>(plan: P) {
  return z.looseObject({
    workflow: z.string(),
    plan,
    diagnostics: z.array(z.unknown()),
    api: z.string().nullable(),
  });
}

const entrySchema = z.looseObject({
  version: z.literal(1),
  runId: z.string().min(1),
  baseUrl: z.string().min(1),
  state: z.enum(['submitting', 'submitted', 'finished', 'stopped', 'failed']),
  request: z.record(z.string(), z.unknown()),
  submittedAt: z.number(),
  submits: z.number().int().min(0),
  taskId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  final: z.looseObject({ task_id: z.string(), task_status: z.string().nullable() }).optional(),
  note: z.string().optional(),
  updatedAt: z.number(),
});

const fileSchema = z.looseObject({
  format: z.literal(FORMAT),
  run: entrySchema,
  context: contextSchema(
    z.looseObject({
      stages: z.array(z.looseObject({ nodeId: z.string(), stage: z.string() })),
      images: z.looseObject({ count: z.number() }),
    }),
  ),
});

export function fileJournal(out: string, context: RunContext): RunJournal & { path: string } {
  const path = join(out, JOURNAL_FILE);
  const ctx = recordableContext(context);
  const write = queuedWrites(path);
  return {
    path,
    save: (entry: RunJournalEntry) =>
      write(`${JSON.stringify({ format: FORMAT, run: entry, context: ctx }, null, 2)}\n`),
  };
}

/** The context as a journal records it: the workflow as its file text. */
export function recordableContext(context: RunContext) {
  return { ...context, workflow: serializeWorkflow(context.workflow) };
}

/**
 * Atomic writes of one file, queued: a later state must never be overtaken by an earlier one still
 * being written.
 */
export function queuedWrites(path: string): (text: string) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return (text) => {
    last = last.catch(() => undefined).then(() => writeAtomically(path, text));
    return last;
  };
}

export async function removeJournal(out: string): Promise<void> {
  await rm(join(out, JOURNAL_FILE), { force: true });
}

export type ReadJournal =
  { ok: true; entry: RunJournalEntry; context: RunContext } | { ok: false; message: string };

export async function readJournal(out: string): Promise<ReadJournal> {
  const path = join(out, JOURNAL_FILE);
  const read = await readJournalJson(path, fileSchema, 'a run journal');
  if (read === null) {
    const done = await readFile(join(out, 'run.json'), 'utf8').then(
      () => true,
      () => false,
    );
    return {
      ok: false,
      message: done
        ? `${out} holds a finished run (run.json) and nothing to resume.`
        : `${out} has no ${JOURNAL_FILE}: it is not the output folder of a fooocus-flow run.`,
    };
  }
  if (!read.ok) return read;
  const request = laxRequestSchema.safeParse(read.data.run.request);
  if (!request.success)
    return { ok: false, message: `${path}: the recorded request is not a FooocusAPI request` };
  const context = recordedContext(read.data.context, path);
  if (!context.ok) return context;
  return { ok: true, entry: read.data.run as unknown as RunJournalEntry, context: context.context };
}

/**
 * A journal file read back as untrusted JSON and checked against its schema; null when there is no
 * such file. `what` names it in the message ("a run journal").
 */
export async function readJournalJson<S extends z.ZodType>(
  path: string,
  schema: S,
  what: string,
): Promise<{ ok: true; data: z.infer<S> } | { ok: false; message: string } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { ok: false, message: `Cannot read ${path}: ${(e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: `${path} is not valid JSON (was it edited by hand?)` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `${path} is not ${what}: ${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, data: parsed.data };
}

/** The run context a journal recorded (checked by `contextSchema`), its workflow parsed again. */
export function recordedContext(
  c: z.infer<ReturnType<typeof contextSchema>>,
  path: string,
): { ok: true; context: RunContext } | { ok: false; message: string } {
  const workflow = parseWorkflowText(c.workflow, path);
  if (!workflow.ok) return { ok: false, message: `${path}: the recorded workflow is not valid` };
  return {
    ok: true,
    context: {
      workflow: workflow.workflow,
      plan: c.plan as unknown as Plan,
      diagnostics: c.diagnostics as Diagnostic[],
      api: c.api,
    },
  };
}
