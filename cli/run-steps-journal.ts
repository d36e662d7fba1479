/**
 * The journal of a pipeline run (a graph compiled to several steps): `<out>/run-steps-journal.json`,
 * written atomically before the first request is sent and at every change of any step's request
 * (recorded, accepted, ended). It holds the steps as they will be sent (stored images inlined), the
 * record of every request so far (api/run-steps.ts `StepRun`: journal entry, task id, result URLs)
 * and what run.json needs. `fooocus-flow run --resume <out>` carries on from it: finished requests
 * are not sent again, the one in flight is followed (or found on the server), the rest are sent.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { StepRun } from '../api/run-steps.ts';
import type { CompiledStep } from '../compiler/types.ts';
import { parseWorkflowText, serializeWorkflow } from '../compiler/workflow-file/index.ts';
import { writeAtomically, type RunContext } from './run-journal-file.ts';

export const STEPS_JOURNAL_FILE = 'run-steps-journal.json';
const FORMAT = 'fooocus-flow/run-steps-journal';

export interface StepsJournalData {
  context: RunContext;
  steps: CompiledStep[];
  runs: StepRun[];
}

const fileSchema = z.looseObject({
  format: z.literal(FORMAT),
  context: z.looseObject({
    workflow: z.string(),
    plan: z.looseObject({ images: z.looseObject({ count: z.number() }) }),
    diagnostics: z.array(z.unknown()),
    api: z.string().nullable(),
  }),
  steps: z
    .array(
      z.looseObject({
        request: z.record(z.string(), z.unknown()),
        plan: z.looseObject({ images: z.looseObject({ count: z.number(), min: z.number() }) }),
        provenance: z.record(z.string(), z.unknown()),
      }),
    )
    .min(2)
    .max(50),
  runs: z
    .array(
      z.looseObject({
        step: z.number().int().min(0),
        chain: z.number().int().min(0),
        runId: z.string().min(1),
        state: z.string(),
        taskId: z
          .string()
          .regex(/^[0-9a-f]{32}$/)
          .optional(),
        images: z.array(z.looseObject({ url: z.string(), index: z.number() })),
        finals: z.array(z.looseObject({ url: z.string(), index: z.number() })),
      }),
    )
    .max(10_000),
});

export function stepsJournal(out: string, context: RunContext, steps: CompiledStep[]) {
  const path = join(out, STEPS_JOURNAL_FILE);
  const ctx = { ...context, workflow: serializeWorkflow(context.workflow) };
  // Saves are queued: a later state must never be overtaken by an earlier one still being written.
  let last: Promise<void> = Promise.resolve();
  return {
    path,
    save(runs: StepRun[]): Promise<void> {
      const text = `${JSON.stringify({ format: FORMAT, context: ctx, steps, runs }, null, 2)}\n`;
      last = last.catch(() => undefined).then(() => writeAtomically(path, text));
      return last;
    },
  };
}

export async function removeStepsJournal(out: string): Promise<void> {
  await rm(join(out, STEPS_JOURNAL_FILE), { force: true });
}

/** The pipeline journal in `out`, null when there is none (then it is not a pipeline run). */
export async function readStepsJournal(
  out: string,
): Promise<{ ok: true; data: StepsJournalData } | { ok: false; message: string } | null> {
  const path = join(out, STEPS_JOURNAL_FILE);
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
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `${path} is not a pipeline journal: ${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const workflow = parseWorkflowText(parsed.data.context.workflow, path);
  if (!workflow.ok) return { ok: false, message: `${path}: the recorded workflow is not valid` };
  const c = parsed.data.context;
  return {
    ok: true,
    data: {
      context: {
        workflow: workflow.workflow,
        plan: c.plan as unknown as RunContext['plan'],
        diagnostics: c.diagnostics as RunContext['diagnostics'],
        api: c.api,
      },
      steps: parsed.data.steps as unknown as CompiledStep[],
      runs: parsed.data.runs as unknown as StepRun[],
    },
  };
}
