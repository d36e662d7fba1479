import { compile } from '../../compiler/compile.ts';
import { serverCatalog } from '../store/compile-scheduler.ts';
import { prepareImages } from '../../compiler/prepare/index.ts';
import { assetImageAdapter } from '../assets/asset-image-adapter.ts';
import { requestWithImages } from './inline-assets.ts';
import { browserAssetStore } from '../assets/asset-db.ts';
import { randomSeed } from '../../compiler/seed.ts';
import type { CompileResult, Diagnostic, PlanStage } from '../../compiler/types.ts';
import type { FooocusRequest } from '../../compiler/request/index.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { t } from '../../nodes/field.ts';
import {
  FooocusApiError,
  isFooocusApiError,
  mapValidationErrors,
  type ProgressEvent,
  type TaskRecord,
} from '../../api/index.ts';
import { idbGet, idbUpdate } from '../persistence/idb.ts';
import { compileNow } from '../store/compile-scheduler.ts';
import { useEditor } from '../store/editor-store.ts';
import { storeResults } from './gallery.ts';
import { initialRunState, isBusy, useRun, type RunState } from './run-store.ts';
import { getClient } from './settings.ts';
import { nextStage } from './stage-map.ts';

/**
 * One run from the editor: prepare the images (mask fitting), compile with a fresh seed, send it as
 * a stream (progress messages name the stage that runs), find the task's id on the server and keep
 * it in IndexedDB so a reload can follow the task again, then keep the images in the gallery.
 * The graph is never changed by a run.
 */

const ACTIVE_KEY = 'activeRun';

interface ActiveRun {
  taskId: string;
  startedAt: number;
  seed: number;
  name: string;
  workflow: Workflow;
  requestJson: string;
  stages: PlanStage[];
  expected: { count: number; min: number };
}

let abort: AbortController | null = null;

function set(patch: Partial<RunState>): void {
  useRun.setState(patch);
}

function onProgress(p: ProgressEvent): void {
  const s = useRun.getState();
  if (s.phase === 'stopping' && p.progress < 100) {
    set({ progress: p.progress, preview: p.preview ?? s.preview });
    return;
  }
  set({
    progress: p.progress,
    message: p.message,
    preview: p.preview ?? s.preview,
    running: s.resumed ? s.running : nextStage(s.running, p.message, s.stages, p.progress),
  });
}

/** Node-level diagnostics for server errors, grouped by node. */
function groupServerErrors(
  errors: { nodeId?: string | undefined; param?: string | undefined; message: string; field: string }[],
) {
  const byNode: Record<string, Diagnostic[]> = {};
  const loose: { field: string; message: string }[] = [];
  for (const e of errors) {
    if (!e.nodeId) {
      loose.push({ field: e.field, message: e.message });
      continue;
    }
    (byNode[e.nodeId] ??= []).push({
      severity: 'error',
      code: 'server',
      nodeId: e.nodeId,
      field: e.param,
      message: t(`The server rejected ${e.field}: ${e.message}`, `服务器拒绝了 ${e.field}：${e.message}`),
    });
  }
  return { byNode, loose };
}

function describe(e: unknown): { en: string; zh: string } {
  if (e instanceof FooocusApiError) return { en: e.message, zh: e.messageZh ?? e.message };
  const msg = e instanceof Error ? e.message : String(e);
  return { en: `The run failed: ${msg}`, zh: `运行失败：${msg}` };
}

async function persistActive(a: ActiveRun | null): Promise<void> {
  await idbUpdate<ActiveRun | { none: true }>(ACTIVE_KEY, () => a ?? { none: true }).catch(() => null);
}

/** The run can start: the graph compiles without errors and no run is going. */
export function canRun(res: CompileResult | null = useEditor.getState().compiled): boolean {
  return !!res && res.ok && !isBusy(useRun.getState().phase);
}

/** Finds the server's id for our streamed task: the running or queued record with our seed. */
async function discoverTaskId(seed: number, signal: AbortSignal): Promise<string | null> {
  const client = getClient();
  for (let i = 0; i < 40 && !signal.aborted; i++) {
    try {
      const list = await client.listTasks({ query: 'all', pageSize: 20 }, { signal });
      const all: TaskRecord[] = [...list.current, ...list.pending, ...list.history];
      const mine = all.find((r) => Number(r.req_params?.image_seed) === seed);
      if (mine) return mine.task_id;
    } catch {
      // keep trying while the run goes on
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

export async function startRun(): Promise<void> {
  if (isBusy(useRun.getState().phase)) return;
  const compiled = compileNow();
  if (!compiled.ok) return;
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
  await send(workflow, res.request, res);
}

async function send(workflow: Workflow, request: FooocusRequest, res: CompileResult): Promise<void> {
  const seed = Number(request.image_seed);
  // Kept (for the gallery and a resumed run) with image references: light, and the bytes are in the asset store.
  const requestJson = JSON.stringify(request);
  let wire: FooocusRequest;
  try {
    // The images' base64 is made only now, from the stored bytes.
    wire = await requestWithImages(request);
  } catch (e) {
    set({ phase: 'failed', error: describe(e) });
    return;
  }
  const expected = { count: res.plan.images.count, min: res.plan.images.min };
  set({
    phase: 'running',
    seed,
    stages: res.plan.stages,
    running: [],
    message: 'Submitted, waiting for the server ...',
  });
  abort = new AbortController();
  const signal = abort.signal;
  const client = getClient();
  const name = workflow.name;
  const discovery = discoverTaskId(seed, signal).then(async (taskId) => {
    if (!taskId || !isBusy(useRun.getState().phase)) return;
    set({ taskId });
    await persistActive({
      taskId,
      startedAt: useRun.getState().startedAt ?? Date.now(),
      seed,
      name,
      workflow,
      requestJson,
      stages: res.plan.stages,
      expected,
    });
  });
  try {
    const out = await client.run(wire, { mode: 'stream', onProgress, signal, expectedImages: expected });
    await finish(
      { name, workflow, requestJson, seed },
      out.images.map((i) => i.url),
      false,
      out.warnings[0],
    );
  } catch (e) {
    await failed(e, { name, workflow, requestJson, seed }, res);
  } finally {
    abort.abort();
    abort = null;
    await discovery.catch(() => undefined);
    await persistActive(null);
  }
}

interface RunMeta {
  name: string;
  workflow: Workflow;
  requestJson: string;
  seed: number;
}

async function finish(
  meta: RunMeta,
  urls: string[],
  stopped: boolean,
  warning?: FooocusApiError,
): Promise<void> {
  set({ message: 'Saving results ...' });
  const stored = await storeResults({ ...meta, at: Date.now(), stopped }, urls);
  set({
    phase: stopped ? 'stopped' : 'done',
    progress: stopped ? useRun.getState().progress : 100,
    message: stopped ? 'Stopped' : 'Finished',
    running: [],
    resultRunId: stored?.id ?? null,
    note: warning ? { en: warning.message, zh: warning.messageZh ?? warning.message } : null,
  });
}

async function failed(e: unknown, meta: RunMeta, res: CompileResult | null): Promise<void> {
  if (isFooocusApiError(e, 'stopped')) {
    await finish(
      meta,
      (e.images ?? []).map((i) => i.url),
      true,
    );
    return;
  }
  if (isFooocusApiError(e, 'validation') && res) {
    const mapped = mapValidationErrors(e.details ?? [], res.provenance);
    const { byNode, loose } = groupServerErrors(mapped);
    set({ phase: 'failed', running: [], error: describe(e), serverDiags: byNode, looseErrors: loose });
    return;
  }
  set({ phase: 'failed', running: [], error: describe(e) });
}

export async function stopRun(): Promise<void> {
  const s = useRun.getState();
  if (s.phase !== 'running') return;
  set({ phase: 'stopping', message: 'Stopping ...' });
  try {
    // Stop only our own task: FooocusAPI's stop ends whatever runs now, which may be another client's.
    await getClient().cancel({ taskId: s.taskId ?? undefined, request: { image_seed: s.seed ?? undefined } });
  } catch (e) {
    set({ phase: 'running', error: describe(e) });
  }
}

/** On start-up: a run that was going when the page closed is followed again. */
export async function resumeRun(): Promise<void> {
  let active: ActiveRun | { none: true } | undefined;
  try {
    active = await idbGet<ActiveRun | { none: true }>(ACTIVE_KEY);
  } catch {
    return;
  }
  if (!active || 'none' in active) return;
  const a = active;
  useRun.setState({
    ...initialRunState(),
    phase: 'running',
    resumed: true,
    taskId: a.taskId,
    seed: a.seed,
    startedAt: a.startedAt,
    stages: a.stages,
    message: 'Reconnecting to the running task ...',
  });
  abort = new AbortController();
  const meta: RunMeta = { name: a.name, workflow: a.workflow, requestJson: a.requestJson, seed: a.seed };
  const client = getClient();
  try {
    const { record } = await client.follow(a.taskId, { onProgress, signal: abort.signal });
    const urls = (record.result ?? []).map((u) => client.imageUrl(u));
    if (record.task_status === 'stop') await finish(meta, urls, true);
    else if (urls.length === 0)
      await failed(
        new FooocusApiError({
          kind: 'empty-result',
          message: 'Fooocus reported the task as finished but returned no images: its worker failed.',
          messageZh: 'Fooocus 报告任务已完成，但没有返回任何图像：工作进程出错了。',
        }),
        meta,
        null,
      );
    else await finish(meta, urls, false);
  } catch (e) {
    await failed(e, meta, null);
  } finally {
    abort = null;
    await persistActive(null);
  }
}
