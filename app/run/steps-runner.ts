/**
 * The editor's run of a graph compiled to several steps, through the same entry point the CLI
 * uses (`runCompiledSteps`, api/run-steps.ts): the whole pipeline is one IndexedDB row
 * (pipeline-journal-idb.ts) written before each request leaves, each result goes into the next
 * step as bytes, masks are fitted with the canvas adapter. The Run panel says which step runs;
 * Stop stops the running step and keeps what the steps before made; the gallery gets one entry
 * with every image labelled by step and every step's request and task id.
 *
 * Nothing paid for is lost: a reload (or the tab closed and opened again) picks the pipeline up
 * where it was — the request in flight is followed, later steps are sent with its results; a
 * failed step keeps its task id, the images of the steps before go to the gallery, and Retry
 * sends the pipeline again from that step (the steps before are not sent again).
 */
import {
  runCompiledSteps,
  type StepsOutcome,
  type StepsProgress,
  type StepsRun,
} from '../../api/run-steps.ts';
import { planThroughSteps } from '../../compiler/steps/plan-steps.ts';
import type { CompileResult } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';
import type { TrackedProgress } from '../../api/tracked-run.ts';
import { assetImageAdapter } from '../assets/asset-image-adapter.ts';
import { storeResults } from './gallery.ts';
import type { StoredStep } from './gallery-db.ts';
import { requestWithImages } from './inline-assets.ts';
import {
  deletePipelineRecord,
  listPipelineRecords,
  pipelineLockId,
  pipelineWriter,
  readPipelineRecord,
  savePipelineRecord,
  type EditorPipelineRecord,
} from './pipeline-journal-idb.ts';
import { claimRun } from './run-journal-idb.ts';
import { initialRunState, isBusy, useRun } from './run-store.ts';
import { getClient } from './connection.ts';

export interface StepsHooks {
  onProgress: (p: TrackedProgress) => void;
  describe: (e: unknown) => LocalText;
  /** Registers the run so Stop reaches it; returns the clean-up. */
  follow: (run: StepsRun) => () => void;
}

const set = useRun.setState;

/** Runs a freshly compiled pipeline: its row is on disk before step 1 is sent. */
export async function runStepsInEditor(
  res: CompileResult,
  workflow: Workflow,
  runId: string,
  hooks: StepsHooks,
): Promise<void> {
  const rec: EditorPipelineRecord = {
    runId,
    name: workflow.name,
    workflow,
    steps: res.steps,
    runs: [],
    keepIntermediate: !workflow.nodes.some(
      (n) => n.kind === 'output' && n.params.save_final_enhanced_image_only === true,
    ),
    seed: Number(res.request.image_seed),
    startedAt: useRun.getState().startedAt ?? Date.now(),
  };
  // This tab follows the pipeline (a Web Lock the browser drops with the tab): another tab never
  // picks up a pipeline this one runs, a reload (a new document) does.
  const release = (await claimRun(pipelineLockId(runId))) ?? (() => undefined);
  try {
    await savePipelineRecord(rec);
  } catch (e) {
    release();
    set({ phase: 'failed', error: hooks.describe(e) });
    return;
  }
  set({
    phase: 'running',
    runId,
    seed: rec.seed,
    stages: stagesOf(rec),
    running: [],
    wait: { kind: 'submitting' },
    step: { index: 0, of: res.steps.length },
  });
  await followPipeline(rec, release, hooks);
}

/** The plan's stages through all steps ("Step 2: Inpaint"), for the Run panel. */
function stagesOf(rec: EditorPipelineRecord) {
  return planThroughSteps(rec.steps, !rec.keepIntermediate).stages;
}

/** The first step that has not finished for every image going through it. */
function openStep(rec: EditorPipelineRecord): number {
  const open = rec.runs.filter((r) => r.state !== 'finished').map((r) => r.step);
  if (open.length) return Math.min(...open);
  const done = rec.runs.map((r) => r.step);
  return Math.min(rec.steps.length - 1, done.length ? Math.max(...done) + 1 : 0);
}

/** Shows a recorded pipeline as running again and carries it on (reload, Resume, Retry). */
async function pickUpPipeline(
  rec: EditorPipelineRecord,
  release: () => void,
  hooks: StepsHooks,
  how: 'reload' | 'resume' | 'retry',
): Promise<void> {
  const step = openStep(rec);
  const inFlight = rec.runs.find((r) => r.step === step && r.state !== 'finished');
  set({
    ...initialRunState(),
    phase: 'running',
    resumed: how === 'reload',
    runId: rec.runId,
    taskId: how === 'retry' ? null : (inFlight?.taskId ?? null),
    seed: rec.seed,
    startedAt: rec.startedAt,
    stages: stagesOf(rec),
    message: how === 'retry' ? '' : 'Reconnecting to the task ...',
    wait: how === 'retry' || !inFlight?.taskId ? { kind: 'submitting' } : null,
    step: { index: step, of: rec.steps.length },
  });
  await followPipeline({ ...rec, failedStep: undefined }, release, hooks);
}

async function followPipeline(
  rec: EditorPipelineRecord,
  release: () => void,
  hooks: StepsHooks,
): Promise<void> {
  const writer = pipelineWriter(rec);
  const abort = new AbortController();
  // The page is going away: stop following (the tasks go on, the row keeps them for the next open).
  const detach = () => abort.abort();
  window.addEventListener('pagehide', detach);
  const run = runCompiledSteps(getClient(), rec.steps, {
    // The pipeline's row holds every request's journal entry (written by onRecord, which the run
    // awaits before each request leaves): no separate row per request.
    journal: { save: () => Promise.resolve() },
    onRecord: (runs) => writer.save({ runs, failedStep: undefined }),
    runId: rec.runId,
    resume: rec.runs,
    signal: abort.signal,
    images: assetImageAdapter,
    prepareRequest: (request) => requestWithImages(request),
    keepIntermediate: rec.keepIntermediate,
    onProgress: (p: StepsProgress) => {
      const s = useRun.getState().step;
      if (!s || s.index !== p.step) set({ step: { index: p.step, of: p.steps } });
      hooks.onProgress(p);
    },
    onTaskId: (taskId) => set({ taskId }),
    resumeHint: t('the Resume button in the Run panel', '“运行”面板中的“继续”按钮').en,
  });
  const unfollow = hooks.follow(run);
  try {
    await settle(await run.done, writer, hooks);
  } catch (e) {
    set({ phase: 'failed', running: [], wait: null, error: hooks.describe(e) });
  } finally {
    window.removeEventListener('pagehide', detach);
    unfollow();
    release();
  }
}

/** Every step's request as the gallery keeps it, with its task ids: what the zip's replay needs. */
function storedSteps(rec: EditorPipelineRecord, out: StepsOutcome): StoredStep[] {
  return rec.steps.map((s, i) => {
    const runs = out.runs.filter((r) => r.step === i);
    const failed = runs.flatMap((r) => r.failedTaskIds ?? []);
    return {
      step: i + 1,
      requestJson: JSON.stringify(s.request),
      taskIds: runs.map((r) => r.taskId ?? '').filter(Boolean),
      reason: s.input?.reason.en,
      ...(failed.length ? { failedTaskIds: failed } : {}),
      ...(s.input ? { input: { field: s.input.field, fromStep: s.input.fromStep + 1 } } : {}),
      plan: s.plan,
    };
  });
}

async function settle(
  out: StepsOutcome,
  writer: ReturnType<typeof pipelineWriter>,
  hooks: StepsHooks,
): Promise<void> {
  const rec = writer.current();
  const n = rec.steps.length;
  const where = t(`step ${out.step + 1} of ${n}`, `第 ${out.step + 1} 步（共 ${n} 步）`);
  if (out.kind === 'detached') return;
  if (out.kind === 'server-gone' || out.kind === 'stop-unconfirmed') {
    // The row stays: Resume, or the next open, carries the pipeline on.
    set({
      phase: 'interrupted',
      running: [],
      wait: null,
      error: hooks.describe(out.error),
      taskId: out.runs.at(-1)?.taskId ?? null,
    });
    return;
  }
  // Finished, stopped or failed: what the steps made so far goes to the gallery (one entry per
  // pipeline: a retry that finishes later replaces it with the whole set).
  let stored: Awaited<ReturnType<typeof storeResults>> = null;
  if (out.images.length > 0) {
    set({ message: 'Saving results ...', wait: null });
    stored = await storeResults(
      {
        name: rec.name,
        workflow: rec.workflow,
        requestJson: JSON.stringify(rec.steps[0]!.request),
        seed: rec.seed,
        at: Date.now(),
        stopped: out.kind !== 'finished',
        runId: rec.runId,
        steps: storedSteps(rec, out),
      },
      out.images.map((i) => i.url),
      `run-${rec.runId}`,
      [],
      out.images.map((i) => i.step + 1),
    );
  }
  if (out.kind === 'failed') {
    // Kept for Retry: the failed request's task id, and the results of the steps before.
    await writer.save({ failedStep: out.step }).catch(() => undefined);
    const why = hooks.describe(out.error ?? new Error('the step ended without images'));
    const failed = out.runs.find((r) => r.step === out.step && r.state !== 'finished');
    set({
      phase: 'failed',
      running: [],
      wait: null,
      taskId: failed?.taskId ?? null,
      retryStep: out.step,
      resultRunId: stored?.id ?? null,
      error: t(`${where.en[0]!.toUpperCase()}${where.en.slice(1)}: ${why.en}`, `${where.zh}：${why.zh}`),
    });
    return;
  }
  // Kept in the gallery (or nothing to keep): the row has done its job. Otherwise it stays, and
  // the next open fetches the images again and tries to keep them.
  if (!stored || stored.kept) await deletePipelineRecord(rec.runId).catch(() => undefined);
  const stopped = out.kind === 'stopped';
  if (!stored) {
    set({
      phase: stopped ? 'stopped' : 'failed',
      running: [],
      wait: null,
      error: stopped
        ? t(`Stopped in ${where.en}.`, `在${where.zh}停止。`)
        : t(`${where.en}: the step ended without images`, `${where.zh}：该步没有产生图像`),
    });
    return;
  }
  set({
    phase: stopped ? 'stopped' : 'done',
    progress: stopped ? useRun.getState().progress : 100,
    message: stopped ? `Stopped in step ${out.step + 1} of ${n}` : 'Finished',
    running: [],
    resultRunId: stored.id,
    note: stopped ? t(`Stopped in ${where.en}.`, `在${where.zh}停止。`) : null,
  });
}

/**
 * On start-up: every pipeline still recorded that no other tab follows is carried on, oldest
 * first; a pipeline that ended in a failed step is shown as failed, with Retry (never re-sent
 * by itself). Returns once the run panel is busy or nothing is left.
 */
export async function resumePipelines(hooks: StepsHooks): Promise<void> {
  const records = await listPipelineRecords().catch(() => [] as EditorPipelineRecord[]);
  for (const rec of records) {
    if (isBusy(useRun.getState().phase)) return;
    if (rec.failedStep !== undefined) {
      showFailed(rec);
      continue;
    }
    const release = await claimRun(pipelineLockId(rec.runId));
    if (!release) continue;
    // Re-read under the claim: the tab that held it may have finished it meanwhile.
    const fresh = await readPipelineRecord(rec.runId).catch(() => undefined);
    if (!fresh) {
      release();
      continue;
    }
    await pickUpPipeline(fresh, release, hooks, 'reload');
  }
}

/** A failed pipeline found on start-up: its step, its task id and Retry, as when it failed. */
function showFailed(rec: EditorPipelineRecord): void {
  const step = rec.failedStep ?? 0;
  const failed = rec.runs.find((r) => r.step === step && r.state !== 'finished');
  const n = rec.steps.length;
  set({
    ...initialRunState(),
    phase: 'failed',
    runId: rec.runId,
    seed: rec.seed,
    taskId: failed?.taskId ?? null,
    retryStep: step,
    resultRunId: `run-${rec.runId}`,
    step: { index: step, of: n },
    error: t(
      `Step ${step + 1} of ${n} failed${failed?.entry?.note ? `: ${failed.entry.note}` : '.'}`,
      `第 ${step + 1} 步（共 ${n} 步）失败${failed?.entry?.note ? `：${failed.entry.note}` : '。'}`,
    ),
  });
}

/**
 * Resume (interrupted) or Retry (failed) of the pipeline with this run id. Returns false when
 * there is no such pipeline (then it is a one-request run).
 */
export async function carryOnPipeline(runId: string, hooks: StepsHooks): Promise<boolean> {
  const rec = await readPipelineRecord(runId).catch(() => undefined);
  if (!rec) return false;
  const release = await claimRun(pipelineLockId(runId));
  if (!release) {
    // Another tab follows it now.
    set({ phase: 'idle', error: null, retryStep: null });
    return true;
  }
  await pickUpPipeline(rec, release, hooks, rec.failedStep !== undefined ? 'retry' : 'resume');
  return true;
}

/** A new run starts: pipelines that failed earlier are no longer offered for retry (their images are in the gallery). */
export async function dropFailedPipelines(): Promise<void> {
  const records = await listPipelineRecords().catch(() => [] as EditorPipelineRecord[]);
  for (const r of records) {
    if (r.failedStep !== undefined) await deletePipelineRecord(r.runId).catch(() => undefined);
  }
}
