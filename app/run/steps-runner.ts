/**
 * The editor's run of a graph compiled to several steps, through the same entry point the CLI
 * uses (`runCompiledSteps`, api/run-steps.ts): each request is a tracked run recorded in the
 * IndexedDB journal before it is sent (its own row, so a reload picks up the task in flight and
 * keeps its images), each result goes into the next step as bytes, masks are fitted with the
 * canvas adapter. The Run panel says which step runs; Stop stops the running step and keeps what
 * the steps before made; the gallery gets one entry with every image labelled by step and every
 * step's request and task id.
 */
import {
  runCompiledSteps,
  type StepsOutcome,
  type StepsProgress,
  type StepsRun,
} from '../../api/run-steps.ts';
import type { CompileResult } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';
import type { RunJournalEntry } from '../../api/run-journal.ts';
import type { TrackedProgress } from '../../api/tracked-run.ts';
import { assetImageAdapter } from '../assets/asset-image-adapter.ts';
import { storeResults } from './gallery.ts';
import { requestWithImages } from './inline-assets.ts';
import { claimRun, deleteRunRecord, idbRunJournal, type EditorRunMeta } from './run-journal-idb.ts';
import { useRun } from './run-store.ts';
import { getClient } from './settings.ts';

export interface StepsHooks {
  onProgress: (p: TrackedProgress) => void;
  describe: (e: unknown) => LocalText;
  /** Registers the run so Stop reaches it; returns the clean-up. */
  follow: (run: StepsRun) => () => void;
}

export async function runStepsInEditor(
  res: CompileResult,
  workflow: Workflow,
  runId: string,
  hooks: StepsHooks,
): Promise<void> {
  const set = useRun.setState;
  const meta = (step: number): EditorRunMeta => ({
    name: `${workflow.name} (step ${step + 1} of ${res.steps.length})`,
    workflow,
    requestJson: JSON.stringify(res.steps[step]!.request),
    seed: Number(res.steps[step]!.request.image_seed),
    stages: res.steps[step]!.plan.stages,
    expected: { count: res.steps[step]!.plan.images.count, min: res.steps[step]!.plan.images.min },
    startedAt: useRun.getState().startedAt ?? Date.now(),
  });
  // Each request has its own journal row (by its run id), claimed by this tab (a Web Lock) before
  // its first save, so another tab never picks up a request this one follows; a reload picks up
  // the one in flight and keeps its images.
  const releases: (() => void)[] = [];
  const claimed = new Set<string>();
  const stepOf = (id: string) => (id === runId ? 0 : Number(/-s(\d+)c\d+$/.exec(id)?.[1] ?? 1) - 1);
  const journal = {
    async save(entry: RunJournalEntry) {
      if (!claimed.has(entry.runId)) {
        claimed.add(entry.runId);
        const release = await claimRun(entry.runId);
        if (release) releases.push(release);
      }
      await idbRunJournal(entry.runId, meta(stepOf(entry.runId))).save(entry);
    },
  };
  set({
    phase: 'running',
    runId,
    seed: Number(res.request.image_seed),
    stages: res.plan.stages,
    running: [],
    wait: { kind: 'submitting' },
    step: { index: 0, of: res.steps.length },
  });
  const run = runCompiledSteps(getClient(), res.steps, {
    journal,
    runId,
    images: assetImageAdapter,
    prepareRequest: (request) => requestWithImages(request),
    keepIntermediate: !workflow.nodes.some(
      (n) => n.kind === 'output' && n.params.save_final_enhanced_image_only === true,
    ),
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
    await settle(await run.done, res, workflow, runId, hooks);
  } catch (e) {
    set({ phase: 'failed', running: [], wait: null, error: hooks.describe(e) });
  } finally {
    unfollow();
    for (const r of releases) r();
  }
}

async function settle(
  out: StepsOutcome,
  res: CompileResult,
  workflow: Workflow,
  runId: string,
  hooks: StepsHooks,
): Promise<void> {
  const set = useRun.setState;
  const where = t(
    `step ${out.step + 1} of ${res.steps.length}`,
    `第 ${out.step + 1} 步（共 ${res.steps.length} 步）`,
  );
  if (out.images.length > 0 && (out.kind === 'finished' || out.kind === 'stopped')) {
    set({ message: 'Saving results ...', wait: null });
    const stored = await storeResults(
      {
        name: workflow.name,
        workflow,
        requestJson: JSON.stringify(res.steps[0]!.request),
        seed: Number(res.request.image_seed),
        at: Date.now(),
        stopped: out.kind === 'stopped',
        runId,
        steps: res.steps.map((s, i) => ({
          step: i + 1,
          requestJson: JSON.stringify(s.request),
          taskIds: out.runs.filter((r) => r.step === i).map((r) => r.taskId ?? ''),
          reason: s.input?.reason.en,
        })),
      },
      out.images.map((i) => i.url),
      `run-${runId}`,
      [],
      out.images.map((i) => i.step + 1),
    );
    if (!stored || stored.kept) {
      for (const r of out.runs) await deleteRunRecord(r.runId).catch(() => undefined);
    }
    set({
      phase: out.kind === 'stopped' ? 'stopped' : 'done',
      progress: out.kind === 'stopped' ? useRun.getState().progress : 100,
      message: out.kind === 'stopped' ? `Stopped in step ${out.step + 1} of ${res.steps.length}` : 'Finished',
      running: [],
      resultRunId: stored?.id ?? null,
      note: out.kind === 'stopped' ? t(`Stopped in ${where.en}.`, `在${where.zh}停止。`) : null,
    });
    return;
  }
  switch (out.kind) {
    case 'detached':
      return;
    case 'server-gone':
    case 'stop-unconfirmed':
      set({
        phase: 'interrupted',
        running: [],
        wait: null,
        error: hooks.describe(out.error),
        taskId: out.runs.at(-1)?.taskId ?? null,
      });
      return;
    default: {
      for (const r of out.runs) await deleteRunRecord(r.runId).catch(() => undefined);
      const why = hooks.describe(out.error ?? new Error('the step ended without images'));
      set({
        phase: out.kind === 'stopped' ? 'stopped' : 'failed',
        running: [],
        wait: null,
        error: t(`${where.en[0]!.toUpperCase()}${where.en.slice(1)}: ${why.en}`, `${where.zh}：${why.zh}`),
      });
    }
  }
}
