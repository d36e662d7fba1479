/**
 * The journal of a pipeline run (a graph compiled to several steps): `<out>/run-steps-journal.json`,
 * written atomically before the first request is sent and at every change of any step's request
 * (recorded, accepted, ended). It holds the steps as they will be sent (stored images inlined), the
 * record of every request so far (api/run-steps.ts `StepRun`: journal entry, task id, result URLs)
 * and what run.json needs. `fooocus-flow run --resume <out>` carries on from it: finished requests
 * are not sent again, the one in flight is followed (or found on the server), the rest are sent.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { StepRun } from '../api/run-steps.ts';
import type { CompiledStep } from '../compiler/types.ts';
import {
  contextSchema,
  queuedWrites,
  readJournalJson,
  recordableContext,
  recordedContext,
  type RunContext,
} from './run-journal-file.ts';

export const STEPS_JOURNAL_FILE = 'run-steps-journal.json';
const FORMAT = 'fooocus-flow/run-steps-journal';

export interface StepsJournalData {
  context: RunContext;
  steps: CompiledStep[];
  runs: StepRun[];
}

const fileSchema = z.looseObject({
  format: z.literal(FORMAT),
  context: contextSchema(z.looseObject({ images: z.looseObject({ count: z.number() }) })),
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
  const ctx = recordableContext(context);
  const write = queuedWrites(path);
  return {
    path,
    save: (runs: StepRun[]): Promise<void> =>
      write(`${JSON.stringify({ format: FORMAT, context: ctx, steps, runs }, null, 2)}\n`),
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
  const read = await readJournalJson(path, fileSchema, 'a pipeline journal');
  if (read === null || !read.ok) return read;
  const context = recordedContext(read.data.context, path);
  if (!context.ok) return context;
  return {
    ok: true,
    data: {
      context: context.context,
      steps: read.data.steps as unknown as CompiledStep[],
      runs: read.data.runs as unknown as StepRun[],
    },
  };
}
