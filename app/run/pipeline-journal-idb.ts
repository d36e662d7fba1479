import type { StepRun } from '../../api/run-steps.ts';
import type { CompiledStep } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { idbDelete, idbGetPrefixed, idbUpdate } from '../persistence/idb.ts';

/**
 * The editor's journal of a graph run as steps (a pipeline): ONE IndexedDB row per pipeline,
 * written before anything is sent and at every change of any of its requests (recorded, accepted,
 * ended; api/run-steps.ts `onRecord`), durably, before the request leaves. It holds the compiled
 * steps (their images as asset references, inlined when sent), and the record of every request so
 * far (journal entry, task id, result URLs), so a reload picks the pipeline up where it was: the
 * request in flight is followed, finished ones are not sent again, later steps are sent with the
 * earlier results. A pipeline that ended in a failed step keeps its row (`failedStep`) so it can be
 * retried from that step; the row is deleted once the results are kept in the gallery.
 *
 * Kept apart from the one-request rows (`run:`, run-journal-idb.ts) so that a reload never files
 * one step of a pipeline as a run of its own.
 */
export interface EditorPipelineRecord {
  runId: string;
  name: string;
  workflow: Workflow;
  steps: CompiledStep[];
  /** Every request so far (api/run-steps.ts `StepRun`): what resuming carries on from. */
  runs: StepRun[];
  /** The Output node's "final image only" is off: intermediate images go to the gallery too. */
  keepIntermediate: boolean;
  seed: number;
  startedAt: number;
  /** Set when the pipeline ended in a failed step (0-based): Retry sends from there. */
  failedStep?: number | undefined;
}

const PREFIX = 'pipeline:';
const keyOf = (runId: string) => `${PREFIX}${runId}`;

/** The Web Lock name a tab holds while it follows the pipeline (run-journal-idb.ts `claimRun`). */
export const pipelineLockId = (runId: string) => `${PREFIX}${runId}`;

/** Writes the whole row; resolves once it is on disk (a request is sent only after that). */
export async function savePipelineRecord(rec: EditorPipelineRecord): Promise<void> {
  await idbUpdate<EditorPipelineRecord>(keyOf(rec.runId), () => structuredClone(rec), { durable: true });
}

/** Every pipeline still recorded, oldest first. */
export async function listPipelineRecords(): Promise<EditorPipelineRecord[]> {
  const rows = await idbGetPrefixed<EditorPipelineRecord>(PREFIX);
  return rows.map((r) => r.value).sort((a, b) => a.startedAt - b.startedAt);
}

export async function readPipelineRecord(runId: string): Promise<EditorPipelineRecord | undefined> {
  return (await listPipelineRecords()).find((r) => r.runId === runId);
}

export async function deletePipelineRecord(runId: string): Promise<void> {
  await idbDelete(keyOf(runId));
}

/**
 * A queue of row writes: each `onRecord` waits for its own write, and a later state is never
 * overtaken by an earlier one still being written.
 */
export function pipelineWriter(base: EditorPipelineRecord): {
  save(patch: Partial<EditorPipelineRecord>): Promise<void>;
  current(): EditorPipelineRecord;
} {
  let rec = structuredClone(base);
  let last: Promise<void> = Promise.resolve();
  return {
    save(patch) {
      rec = { ...rec, ...structuredClone(patch) };
      const snapshot = rec;
      last = last.catch(() => undefined).then(() => savePipelineRecord(snapshot));
      return last;
    },
    current: () => rec,
  };
}

/** Its results are kept in the gallery now: the row goes, unless it still offers Retry of a failed step. */
export async function forgetKeptPipeline(runId: string): Promise<void> {
  const rec = await readPipelineRecord(runId);
  if (rec && rec.failedStep === undefined) await deletePipelineRecord(runId);
}
