/**
 * The network half of `fooocus-flow run`: start (or resume) a tracked run (api/tracked-run.ts) with
 * its journal in the output folder, show its progress, handle Ctrl+C, and turn its outcome into
 * saved files, a message in plain words and an exit code.
 *
 * Ctrl+C once: Stop is sent when our task is the running one and confirmed by the server; images
 * finished before the stop are saved; exit 130. Ctrl+C again: leave the task running and quit,
 * keeping the journal (`--resume` picks it up). "Server gone" keeps the journal and prints the exact
 * resume command.
 */
import { rmdir } from 'node:fs/promises';
import { createFooocusClient } from '../api/client.ts';
import { FooocusApiError } from '../api/errors.ts';
import { createPatientReader } from '../api/patient-reads.ts';
import type { RunJournalEntry } from '../api/run-journal.ts';
import type { TrackedProgress, TrackedRunOptions, TrackedRunOutcome } from '../api/tracked-run.ts';
import type { ResultImage } from '../api/results.ts';
import type { FooocusRequest } from '../contract/index.ts';
import type { Plan } from '../compiler/types.ts';
import { EXIT, type CliIO } from './io.ts';
import { fileJournal, removeJournal, type RunContext } from './run-journal-file.ts';
import { createProgressBar, createStagedDir, mapResults } from './run-output.ts';

/** The conventional exit code of a command ended by SIGINT (128 + 2). */
export const EXIT_CANCELLED = 130;

export interface FollowParams {
  out: string;
  baseUrl: string;
  apiKey: string | undefined;
  context: RunContext;
  /** A new run sends this request; a resumed one picks up `entry`. */
  start: { request: FooocusRequest } | { entry: RunJournalEntry };
  io: CliIO;
  /** First Ctrl+C: stop the task (confirmed by the server). */
  stopSignal: AbortSignal | undefined;
  /** Second Ctrl+C: leave the task running, keep the journal, quit. */
  detachSignal: AbortSignal | undefined;
  /** Tests shorten the waits; the defaults suit a real server. */
  tuning?: Partial<TrackedRunOptions> | undefined;
  /** Turns a failure into the lines to print (a 422 is mapped onto the workflow's nodes). */
  describeFailure: (e: FooocusApiError) => string;
}

/** `'./my out'` → `'./my out'` quoted for a POSIX shell; plain paths stay plain. */
function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function resumeCommand(out: string, baseUrl: string, recordedApi: string | null): string {
  const api = recordedApi === baseUrl ? '' : ` --api ${shellQuote(baseUrl)}`;
  return `fooocus-flow run --resume ${shellQuote(out)}${api}`;
}

/** `Vary (Strong) → Enhance region #1: face → ...`, or undefined for an empty plan. */
function planSteps(plan: Plan): string | undefined {
  return plan.stages.map((s) => s.label.en).join(' → ') || undefined;
}

export async function followRun(p: FollowParams): Promise<number> {
  const { io, out, context } = p;
  const client = createFooocusClient({ baseUrl: p.baseUrl, apiKey: p.apiKey });
  const journal = fileJournal(out, context);
  const remote = context.api !== null;
  // The built-in engine ends with this process: there is nothing to resume later.
  const resumeHint = remote ? resumeCommand(out, p.baseUrl, context.api) : undefined;
  const bar = createProgressBar(io.stderr);
  const steps = planSteps(context.plan);
  const onProgress = (e: TrackedProgress) =>
    bar.update(
      // Polled records carry no stage message: say which steps the task runs instead.
      e.phase === 'running' && steps ? { ...e, message: `${steps} ... ${Math.round(e.progress)}%` } : e,
    );
  const options: TrackedRunOptions = {
    journal,
    onProgress,
    signal: p.detachSignal,
    expectedImages: { count: context.plan.images.count, min: context.plan.images.min },
    resumeHint,
    ...p.tuning,
  };
  const run =
    'request' in p.start
      ? client.startRun(p.start.request, options)
      : client.resumeRun(p.start.entry, options);

  const onStop = () => {
    bar.done();
    io.stderr.write(
      'Stopping: the task is stopped on the server once it is ours and running; results finished before the stop are kept.' +
        (remote ? ' (Ctrl+C again to leave it running and quit.)\n' : '\n'),
    );
    run.stop();
  };
  if (p.stopSignal?.aborted) onStop();
  else p.stopSignal?.addEventListener('abort', onStop, { once: true });
  let outcome: TrackedRunOutcome;
  try {
    outcome = await run.done;
  } finally {
    p.stopSignal?.removeEventListener('abort', onStop);
    bar.done();
  }

  const forget = async () => {
    await removeJournal(out);
    await rmdir(out).catch(() => undefined); // only when empty: nothing of the user's is removed
  };
  const keep = (why: string) => io.stderr.write(`${why}\n`);

  switch (outcome.kind) {
    case 'finished': {
      bar.update({ progress: 100, message: `Finished: ${outcome.images.length} image(s)` });
      bar.done();
      for (const w of outcome.warnings) io.stderr.write(`warning: ${w.message}\n`);
      return save(p, client, outcome, outcome.images, false, resumeHint);
    }
    case 'stopped': {
      keep(`Stopped task ${outcome.taskId} on the server.`);
      if (outcome.images.length === 0) {
        await forget();
        keep('The run was cancelled; nothing was saved.');
        return EXIT_CANCELLED;
      }
      const code = await save(p, client, outcome, outcome.images, true, resumeHint);
      if (code !== EXIT.ok) return code;
      keep(
        `The run was cancelled; the ${outcome.images.length} image(s) finished before the stop were saved in ${out}.`,
      );
      return EXIT_CANCELLED;
    }
    case 'stop-unconfirmed':
      keep(`Run cancelled (${outcome.error.kind}): ${outcome.error.message}`);
      return EXIT_CANCELLED;
    case 'detached':
      keep(
        outcome.taskId
          ? `Left task ${outcome.taskId} running on the server.` +
              (resumeHint ? ` Its results can be picked up with: ${resumeHint}` : '')
          : 'Quit before the server accepted the request.' +
              (resumeHint ? ` Resuming looks for it before sending again: ${resumeHint}` : ''),
      );
      return EXIT_CANCELLED;
    case 'server-gone':
      keep(`Run interrupted (server-gone): ${outcome.error.message}`);
      return EXIT.graphErrors;
    case 'failed':
      // A task judged lost by a restart keeps its journal: if the judgement was wrong, --resume finds it.
      if (outcome.error.kind !== 'lost-task') await forget();
      keep(p.describeFailure(outcome.error));
      return EXIT.graphErrors;
  }
}

/** Download every image (retrying like polls do), then move them and run.json into place together. */
async function save(
  p: FollowParams,
  client: ReturnType<typeof createFooocusClient>,
  outcome: Extract<TrackedRunOutcome, { kind: 'finished' | 'stopped' }>,
  images: ResultImage[],
  stopped: boolean,
  resumeHint: string | undefined,
): Promise<number> {
  const { io, out, context } = p;
  const request = outcome.entry.request;
  const mapping = mapResults(
    images.map((i) => i.url),
    context.plan,
    context.workflow,
    request.image_number ?? 1,
  );
  if (mapping.note) io.stderr.write(`${mapping.note}\n`);
  const record = {
    workflow: context.workflow,
    request,
    task: outcome.record,
    plan: context.plan,
    diagnostics: context.diagnostics,
    files: mapping.files,
    fileMapping: mapping.mapping,
    ...(mapping.note ? { resultNote: mapping.note } : {}),
    ...(stopped ? { stopped: true } : {}),
  };
  const reader = createPatientReader({ goneAfterMs: p.tuning?.goneAfterMs, backoff: p.tuning?.backoff });
  const dir = await createStagedDir(out);
  try {
    for (const file of mapping.files) {
      // Re-downloaded through /outputs on the configured server (re-based), as stored, metadata and all.
      await dir.write(file.file, await reader.read(() => client.download(file.url)));
    }
    await dir.write('run.json', `${JSON.stringify(record, null, 2)}\n`);
    const paths = await dir.commit();
    await removeJournal(out);
    for (const path of paths) io.stdout.write(`${path}\n`);
    return EXIT.ok;
  } catch (e) {
    await dir.discard();
    if (!(e instanceof FooocusApiError) && !(e instanceof Error && e.name === 'ServerSilentError')) throw e;
    const why = e instanceof FooocusApiError ? `(${e.kind}): ${e.message}` : `: ${e.message}`;
    io.stderr.write(
      `Saving the results failed ${why}\n` +
        `Task ${outcome.taskId} is done on the server and recorded in ${out}/run-journal.json; nothing is lost.` +
        (resumeHint ? ` Download the results again with: ${resumeHint}\n` : '\n'),
    );
    return EXIT.graphErrors;
  }
}
