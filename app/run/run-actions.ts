import { idbGet } from '../persistence/idb.ts';
import { loadCompiler } from '../store/compile-scheduler.ts';
import { listPipelineRecords } from './pipeline-journal-idb.ts';
import { listRunRecords } from './run-journal-idb.ts';

/**
 * The Run panel's and Ctrl+Enter's actions. The run machinery (runner.ts: the compiler's image
 * preparation, the API client, the tracked run) is not part of the editor's first load: it is
 * fetched the first time a run starts, or at start-up only when the journal holds a run to pick up.
 */
let loading: Promise<typeof import('./runner.ts')> | undefined;
const runner = () => (loading ??= import('./runner.ts'));

export async function startRun(): Promise<void> {
  // runner.ts compiles at once (compileNow): the scheduler's compiler must be here.
  const [r] = await Promise.all([runner(), loadCompiler()]);
  await r.startRun();
}

/** Only a running run can be stopped, and then the runner is loaded already. */
export function stopRun(): void {
  void runner().then((r) => r.stopRun());
}

export async function resumeInterrupted(): Promise<void> {
  await (await runner()).resumeInterrupted();
}

export async function retryFailedStep(): Promise<void> {
  await (await runner()).retryFailedStep();
}

/** On start-up: the runner picks up what the journal holds (runner.ts `resumeRuns`), if anything. */
export async function resumeRuns(): Promise<void> {
  const pending = await Promise.all([
    idbGet('activeRun'),
    listRunRecords().then((r) => r.length > 0),
    listPipelineRecords().then((r) => r.length > 0),
  ]).then(
    ([legacy, runs, pipelines]) => !!legacy || runs || pipelines,
    () => true,
  );
  if (pending) await (await runner()).resumeRuns();
}
