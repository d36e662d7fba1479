import { compile } from '../../compiler/compile.ts';
import { serverCatalog } from '../store/compile-scheduler.ts';
import { prepareImages } from '../../compiler/prepare/index.ts';
import { assetImageAdapter } from '../assets/asset-image-adapter.ts';
import { requestWithImages } from './inline-assets.ts';
import { browserAssetStore } from '../assets/asset-db.ts';
import { randomSeed } from '../../compiler/seed.ts';
import type { CompileResult, Diagnostic } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { t } from '../../nodes/field.ts';
import {
  resumeTrackedRun,
  startTrackedRun,
  type TrackedProgress,
  type TrackedRun,
  type TrackedRunOptions,
} from '../../api/index.ts';
import { compileNow } from '../store/compile-scheduler.ts';
import type { FooocusRequest } from '../../contract/index.ts';
import { useEditor } from '../store/editor-store.ts';
import {
  claimRun,
  deleteRunRecord,
  idbRunJournal,
  listRunRecords,
  readRunRecord,
  type EditorRunMeta,
  type EditorRunRecord,
} from './run-journal-idb.ts';
import { initialRunState, isBusy, useRun, type RunState } from './run-store.ts';
import { getClient, probeServer } from './connection.ts';
import { useSettings } from './settings.ts';
import { runBlockers } from './run-blockers.ts';
import { nextStage } from './stage-map.ts';
import {
  carryOnPipeline,
  dropFailedPipelines,
  resumePipelines,
  runStepsInEditor,
  type StepsHooks,
} from './steps-runner.ts';
import { describe } from './run-errors.ts';
import { settle } from './settle-run.ts';
import { adoptLegacyActiveRun } from './legacy-run.ts';
import { newRunId } from '../../api/run-ids.ts';

/**
 * One run from the editor, through the shared tracked run (api/tracked-run.ts): prepare the
 * images (mask fitting), compile with a fresh seed, record the run in IndexedDB before anything is
 * sent, submit with `async_process` and follow the task by polling (a stream loses tasks on the
 * real FooocusAPI when two clients run at once), then keep the images in the gallery and only then
 * forget the run. A reload, a second tab, a silent server or a lost reply never loses the task:
 * whatever is still in the journal is picked up again (`resumeRuns`, the Resume button).
 * The graph is never changed by a run.
 */

interface Following {
  run: Pick<TrackedRun, 'stop'>;
  abort: AbortController;
}

let following: Following | null = null;

function set(patch: Partial<RunState>): void {
  useRun.setState(patch);
}

function onProgress(p: TrackedProgress): void {
  const s = useRun.getState();
  if (p.taskId && p.taskId !== s.taskId) set({ taskId: p.taskId });
  switch (p.phase) {
    case 'submitting':
      set({ wait: { kind: 'submitting' } });
      return;
    case 'searching':
      set({ wait: { kind: 'searching' } });
      return;
    case 'queued':
      // Stop asked while queued: FooocusAPI cannot drop it, it is stopped as soon as it starts.
      if (s.phase !== 'stopping') set({ wait: { kind: 'queued', ahead: p.ahead ?? 0 }, progress: 0 });
      return;
    case 'reconnecting':
      set({ wait: { kind: 'reconnecting', silentS: Math.round((p.silentMs ?? 0) / 1000) } });
      return;
    case 'stopping':
      set({ wait: { kind: 'stopping' }, progress: p.progress, preview: p.preview ?? s.preview });
      return;
    case 'running':
      if (s.phase === 'stopping') {
        set({ progress: p.progress, preview: p.preview ?? s.preview });
        return;
      }
      set({
        wait: null,
        progress: p.progress,
        message: p.message,
        preview: p.preview ?? s.preview,
        running: nextStage(s.running, p.message, s.stages, p.progress),
      });
  }
}

export async function startRun(): Promise<void> {
  if (isBusy(useRun.getState().phase)) return;
  const compiled = compileNow();
  // Ctrl+Enter reaches here too: the same rules as the Run button (nothing to run, errors, server down).
  if (!compiled.ok || runBlockers(compiled, false, useSettings.getState()).length) return;
  const doc = useEditor.getState().doc;
  const workflow = structuredClone(doc) as Workflow;
  useRun.setState({
    ...initialRunState(),
    phase: 'preparing',
    message: 'Preparing images ...',
    startedAt: Date.now(),
  });
  let res: CompileResult;
  try {
    const prep = await prepareImages(workflow, assetImageAdapter, browserAssetStore);
    const errors = prep.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      const byNode: Record<string, Diagnostic[]> = {};
      for (const d of errors) if (d.nodeId) (byNode[d.nodeId] ??= []).push(d);
      set({
        phase: 'failed',
        serverDiags: byNode,
        error: t('An image could not be read: see the marked node.', '有图像无法读取：请查看标记的节点。'),
      });
      return;
    }
    res = compile(workflow, { seed: randomSeed(), images: prep.images, catalog: serverCatalog() });
  } catch (e) {
    set({ phase: 'failed', error: describe(e) });
    return;
  }
  if (!res.ok) {
    set({ phase: 'failed', error: t('The graph has errors.', '图中有错误。') });
    return;
  }
  // A new run: a pipeline that failed before is no longer offered for Retry (its images are kept).
  await dropFailedPipelines();
  if (res.steps.length > 1) {
    // A graph one request cannot do: its steps, in order, through the shared runCompiledSteps.
    await runStepsInEditor(res, workflow, newRunId(), stepsHooks());
    return;
  }
  let wire: FooocusRequest;
  try {
    // The images' base64 is made only now, from the stored bytes; the journal and gallery keep references.
    wire = await requestWithImages(res.request);
  } catch (e) {
    set({ phase: 'failed', error: describe(e) });
    return;
  }
  // A server that is not there cannot queue anything: say so plainly instead of sending into the void.
  if (!(await probeServer())) {
    set({ ...initialRunState() });
    return;
  }
  const runId = newRunId();
  const meta: EditorRunMeta = {
    name: workflow.name,
    workflow,
    requestJson: JSON.stringify(res.request),
    seed: Number(res.request.image_seed),
    stages: res.plan.stages,
    expected: { count: res.plan.images.count, min: res.plan.images.min },
    startedAt: useRun.getState().startedAt ?? Date.now(),
  };
  const release = (await claimRun(runId)) ?? (() => undefined);
  set({
    phase: 'running',
    runId,
    seed: meta.seed,
    stages: meta.stages,
    running: [],
    wait: { kind: 'submitting' },
  });
  const abort = new AbortController();
  const run = startTrackedRun(getClient(), wire, trackedOptions(runId, meta, abort));
  await follow(run, abort, meta, res, release);
}

/** What a pipeline run (steps-runner.ts) shares with a one-request run: progress, messages, Stop. */
function stepsHooks(): StepsHooks {
  return {
    onProgress,
    describe,
    follow: (run) => {
      following = { run, abort: new AbortController() };
      return () => (following = null);
    },
  };
}

function trackedOptions(runId: string, meta: EditorRunMeta, abort: AbortController): TrackedRunOptions {
  return {
    journal: idbRunJournal(runId, meta),
    runId,
    onProgress,
    onTaskId: (taskId) => set({ taskId }),
    signal: abort.signal,
    expectedImages: meta.expected,
    resumeHint: t('the Resume button in the Run panel', '“运行”面板中的“继续”按钮').en,
  };
}

async function follow(
  run: TrackedRun,
  abort: AbortController,
  meta: EditorRunMeta,
  res: CompileResult | null,
  release: () => void,
): Promise<void> {
  following = { run, abort };
  // The page is going away: stop following (the task goes on, the journal keeps it for the next open).
  const detach = () => abort.abort();
  window.addEventListener('pagehide', detach);
  try {
    await settle(await run.done, meta, res);
  } catch (e) {
    set({ phase: 'failed', running: [], wait: null, error: describe(e) });
  } finally {
    window.removeEventListener('pagehide', detach);
    following = null;
    release();
  }
}

/**
 * Stop: asks the tracked run to stop our task; the run stays "stopping" until the server confirms
 * (the record says "stop") or says it could not (then: interrupted, with Resume). A queued task
 * cannot be removed on FooocusAPI: it is stopped as soon as it starts.
 */
export function stopRun(): void {
  const s = useRun.getState();
  if (s.phase !== 'running' || !following) return;
  following.run.stop();
  set({ phase: 'stopping', message: 'Stopping ...', wait: { kind: 'stopping' } });
}

/** Picks one journal row up again in this tab (it must be claimed already). */
async function pickUp(rec: EditorRunRecord, release: () => void): Promise<void> {
  const entry = rec.entry;
  if (!entry) {
    // Recorded but never saved by the run: nothing was sent.
    await deleteRunRecord(rec.runId).catch(() => undefined);
    release();
    return;
  }
  const m = rec.meta;
  useRun.setState({
    ...initialRunState(),
    phase: 'running',
    resumed: true,
    runId: rec.runId,
    taskId: entry.taskId ?? null,
    seed: m.seed,
    startedAt: m.startedAt,
    stages: m.stages,
    message: 'Reconnecting to the task ...',
    wait: entry.taskId ? null : { kind: 'searching' },
  });
  const abort = new AbortController();
  const run = resumeTrackedRun(getClient(), entry, trackedOptions(rec.runId, m, abort));
  await follow(run, abort, m, null, release);
}

/**
 * On start-up: every run still in the journal that no other tab follows is picked up again,
 * oldest first, one after another (a run a tab follows is claimed by it; see claimRun).
 */
export async function resumeRuns(): Promise<void> {
  let records: EditorRunRecord[];
  try {
    await adoptLegacyActiveRun().catch(() => undefined);
    records = await listRunRecords();
  } catch {
    return;
  }
  // Pipelines first: a reload in step k carries on with the later steps (steps-runner.ts).
  await resumePipelines(stepsHooks());
  for (const rec of records) {
    if (isBusy(useRun.getState().phase)) return;
    const release = await claimRun(rec.runId);
    if (!release) continue;
    // Re-read under the claim: the tab that held it may have finished it meanwhile.
    const fresh = await readRunRecord(rec.runId).catch(() => undefined);
    if (!fresh) {
      release();
      continue;
    }
    await pickUp(fresh, release);
  }
}

/** The Resume button of an interrupted run (server gone, stop not confirmed). */
export async function resumeInterrupted(): Promise<void> {
  const s = useRun.getState();
  if (s.phase !== 'interrupted' || !s.runId) return;
  if (await carryOnPipeline(s.runId, stepsHooks())) return;
  const release = await claimRun(s.runId);
  const rec = await readRunRecord(s.runId).catch(() => undefined);
  if (!release || !rec) {
    release?.();
    // Another tab took it over, or it is done: show what the gallery has.
    set({ phase: 'idle', error: null });
    return;
  }
  await pickUp(rec, release);
}

/** Retry of a pipeline that failed in a step: sent again from that step, the steps before kept. */
export async function retryFailedStep(): Promise<void> {
  const s = useRun.getState();
  if (s.phase !== 'failed' || s.retryStep === null || !s.runId) return;
  if (!(await carryOnPipeline(s.runId, stepsHooks()))) set({ retryStep: null });
}
