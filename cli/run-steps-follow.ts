/**
 * `fooocus-flow run` for a graph compiled to several steps: runs them with `runCompiledSteps`
 * (api/run-steps.ts), records every request in `<out>/run-steps-journal.json`, shows which step
 * runs, and saves the images named by step (`step1-01-upscale.png`, `step2-01-inpaint.png`; with
 * several images out of step 1, `step2-img2-...`) with a run.json that lists every step's request
 * and task ids. Intermediate images are kept unless the Output node asks for final images only;
 * a Stop or a failure names the step, and images finished before it are saved.
 */
import { rmdir } from 'node:fs/promises';
import { createFooocusClient } from '../api/client.ts';
import { FooocusApiError } from '../api/errors.ts';
import { createPatientReader } from '../api/patient-reads.ts';
import { memoryJournal } from '../api/run-journal.ts';
import { runCompiledSteps, type StepsOutcome, type StepRun } from '../api/run-steps.ts';
import type { TrackedRunOptions } from '../api/tracked-run.ts';
import { nodeImageAdapter } from './node-image-adapter.ts';
import type { CompiledStep } from '../compiler/types.ts';
import { EXIT, type CliIO } from './io.ts';
import { EXIT_CANCELLED, resumeCommand } from './run-follow.ts';
import type { RunContext } from './run-journal-file.ts';
import { createProgressBar, createStagedDir, mapResults } from './run-output.ts';
import { removeStepsJournal, stepsJournal } from './run-steps-journal.ts';

export interface FollowStepsParams {
  out: string;
  baseUrl: string;
  apiKey: string | undefined;
  context: RunContext;
  /** The steps as they will be sent (stored images already inlined). */
  steps: CompiledStep[];
  /** The record of an interrupted attempt (`--resume`). */
  resume?: StepRun[] | undefined;
  io: CliIO;
  stopSignal: AbortSignal | undefined;
  detachSignal: AbortSignal | undefined;
  tuning?: Partial<TrackedRunOptions> | undefined;
  describeFailure: (e: FooocusApiError, step: number) => string;
}

export async function followSteps(p: FollowStepsParams): Promise<number> {
  const { io, out, context, steps } = p;
  const client = createFooocusClient({ baseUrl: p.baseUrl, apiKey: p.apiKey });
  const journal = stepsJournal(out, context, steps);
  const remote = context.api !== null;
  const resumeHint = remote ? resumeCommand(out, p.baseUrl, context.api) : undefined;
  const bar = createProgressBar(io.stderr);
  const finalOnly = context.workflow.nodes.some(
    (n) => n.kind === 'output' && n.params.save_final_enhanced_image_only === true,
  );
  await journal.save(p.resume ?? []);
  const run = runCompiledSteps(client, steps, {
    journal: memoryJournal(),
    images: nodeImageAdapter,
    keepIntermediate: !finalOnly,
    resume: p.resume,
    signal: p.detachSignal,
    resumeHint,
    onRecord: (runs) => journal.save(runs),
    onProgress: (e) => {
      const where = `Step ${e.step + 1}/${e.steps}${e.chains > 1 ? `, image ${e.chain + 1}/${e.chains}` : ''}`;
      const stages = steps[e.step]!.plan.stages.map((s) => s.label.en).join(' → ');
      bar.update({
        ...e,
        message:
          e.phase === 'running' && stages
            ? `${where}: ${stages} ... ${Math.round(e.progress)}%`
            : `${where}: ${e.message}`,
      });
    },
    ...p.tuning,
  });
  const onStop = () => {
    bar.done();
    io.stderr.write(
      'Stopping: the running step is stopped on the server once it is ours and running; images finished before are kept.\n',
    );
    run.stop();
  };
  if (p.stopSignal?.aborted) onStop();
  else p.stopSignal?.addEventListener('abort', onStop, { once: true });
  let outcome: StepsOutcome;
  try {
    outcome = await run.done;
  } finally {
    p.stopSignal?.removeEventListener('abort', onStop);
    bar.done();
  }
  const step = `step ${outcome.step + 1} of ${steps.length}`;
  const forget = async () => {
    await removeStepsJournal(out);
    await rmdir(out).catch(() => undefined);
  };
  switch (outcome.kind) {
    case 'finished':
      for (const w of outcome.warnings) io.stderr.write(`warning: ${w.message}\n`);
      return save(p, client, outcome, false, resumeHint);
    case 'stopped': {
      io.stderr.write(`Stopped in ${step}.\n`);
      if (outcome.images.length === 0) {
        await forget();
        io.stderr.write('The run was cancelled; nothing was saved.\n');
        return EXIT_CANCELLED;
      }
      const code = await save(p, client, outcome, true, resumeHint);
      if (code !== EXIT.ok) return code;
      io.stderr.write(
        `The run was cancelled in ${step}; the ${outcome.images.length} image(s) finished before were saved in ${out}.\n`,
      );
      return EXIT_CANCELLED;
    }
    case 'detached':
      io.stderr.write(
        `Left ${step} running on the server.` +
          (resumeHint ? ` The pipeline can be picked up with: ${resumeHint}\n` : '\n'),
      );
      return EXIT_CANCELLED;
    case 'stop-unconfirmed':
      io.stderr.write(`Run cancelled in ${step} (stop-unconfirmed): ${outcome.error?.message ?? ''}\n`);
      return EXIT_CANCELLED;
    case 'server-gone':
      io.stderr.write(
        `Run interrupted in ${step} (server-gone): ${outcome.error?.message ?? ''}` +
          (resumeHint ? `\nResume with: ${resumeHint}\n` : '\n'),
      );
      return EXIT.graphErrors;
    case 'failed': {
      const error =
        outcome.error ?? new FooocusApiError({ kind: 'server', message: 'the step failed without a reason' });
      // A task the server took (a finished step, or the failed one) is kept in the journal, so
      // --resume retries from the failed step without sending the steps before again.
      const paid = outcome.runs.some((r) => r.taskId || r.failedTaskIds?.length);
      if (!paid && error.kind !== 'lost-task') await forget();
      io.stderr.write(`Failed in ${step}. ${p.describeFailure(error, outcome.step)}\n`);
      if (paid && resumeHint) {
        io.stderr.write(
          `Retry from ${step} (the steps before are not sent again, their images are kept): ${resumeHint}\n`,
        );
      }
      return EXIT.graphErrors;
    }
  }
}

/** Download every kept image, then move them and run.json into place together. */
async function save(
  p: FollowStepsParams,
  client: ReturnType<typeof createFooocusClient>,
  outcome: StepsOutcome,
  stopped: boolean,
  resumeHint: string | undefined,
): Promise<number> {
  const { io, out, context, steps } = p;
  const chains = new Set(outcome.runs.map((r) => r.chain)).size;
  const files: { file: string; url: string; step: number; chain: number; taskId: string; final: boolean }[] =
    [];
  for (const r of outcome.runs) {
    const kept = outcome.images.filter((i) => i.step === r.step && i.chain === r.chain);
    if (kept.length === 0) continue;
    const plan = steps[r.step]!.plan;
    const mapping = mapResults(
      kept.map((i) => i.url),
      kept.length === r.images.length ? plan : { ...plan, stages: [] },
      context.workflow,
      steps[r.step]!.request.image_number ?? 1,
    );
    const prefix = `step${r.step + 1}-${r.step > 0 && chains > 1 ? `img${r.chain + 1}-` : ''}`;
    mapping.files.forEach((f, i) =>
      files.push({
        file: `${prefix}${f.file}`,
        url: f.url,
        step: r.step + 1,
        chain: r.chain + 1,
        taskId: r.taskId ?? '',
        final: kept[i]!.final,
      }),
    );
  }
  const record = {
    workflow: context.workflow,
    steps: steps.map((s, i) => ({
      step: i + 1,
      // The request as compiled: a later step's input is the placeholder, filled per run.
      request: s.request,
      ...(s.input ? { input: s.input } : {}),
      plan: s.plan,
      runs: outcome.runs
        .filter((r) => r.step === i)
        .map((r) => ({
          chain: r.chain + 1,
          taskId: r.taskId ?? null,
          state: r.state,
          images: r.images.length,
          // Tasks of attempts that failed before --resume retried this step.
          ...(r.failedTaskIds?.length ? { failedTaskIds: r.failedTaskIds } : {}),
        })),
    })),
    plan: context.plan,
    diagnostics: context.diagnostics,
    files,
    ...(stopped ? { stopped: true, stoppedInStep: outcome.step + 1 } : {}),
  };
  const reader = createPatientReader({ goneAfterMs: p.tuning?.goneAfterMs, backoff: p.tuning?.backoff });
  const dir = await createStagedDir(out);
  try {
    for (const f of files) await dir.write(f.file, await reader.read(() => client.download(f.url)));
    await dir.write('run.json', `${JSON.stringify(record, null, 2)}\n`);
    const paths = await dir.commit();
    await removeStepsJournal(out);
    for (const path of paths) io.stdout.write(`${path}\n`);
    return EXIT.ok;
  } catch (e) {
    await dir.discard();
    if (!(e instanceof FooocusApiError) && !(e instanceof Error && e.name === 'ServerSilentError')) throw e;
    io.stderr.write(
      `Saving the results failed (${e instanceof FooocusApiError ? e.kind : 'server-gone'}): ${e.message}\n` +
        `Every step's task is recorded in ${out}; nothing is lost.` +
        (resumeHint ? ` Download the results again with: ${resumeHint}\n` : '\n'),
    );
    return EXIT.graphErrors;
  }
}
