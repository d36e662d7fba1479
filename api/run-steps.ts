/**
 * Runs a compiled workflow — one request, or the steps of a graph one request cannot do
 * (compiler/steps) — through the tracked run (tracked-run.ts), the one entry point the CLI, the
 * editor and batch runs share.
 *
 * - Step 1 runs once. Each of its final images (one per seed) then continues alone through every
 *   later step, in order: the result's bytes are downloaded and sent in the field the step names
 *   (a server cannot always reach its own URLs), a mask drawn on the original is fitted to the new
 *   size, and the seed is the first step's seed + the image's index, as Fooocus numbers its seeds.
 * - Every request is a tracked run of its own (journal first, polling, lost-reply search). Each
 *   change is reported through `onRecord` with every run so far, so a caller can persist it and
 *   pick the whole pipeline up again (`resume`): finished runs are not sent again, the one in
 *   flight is followed, later ones are sent.
 * - A failure or a Stop ends the pipeline in the step where it happens, and says which; images
 *   made before are kept (Stop in step 2 keeps step 1's).
 * - Retry from the failed step: `resume` with the record of the failed attempt sends only the
 *   failed request again (and the ones after it); the failed task's id stays in `failedTaskIds`.
 */
import type { ImageAdapter } from '../compiler/prepare/raster.ts';
import type { FooocusRequest } from '../contract/index.ts';
import { finalImagesOf } from '../compiler/steps/finals.ts';
import { stepRequestWithInput } from '../compiler/steps/step-input.ts';
import type { CompiledStep } from '../compiler/types.ts';
import { FooocusApiError } from './errors.ts';
import { createPatientReader, ServerSilentError } from './patient-reads.ts';
import type { ResultImage } from './results.ts';
import type { RunJournalEntry } from './run-journal.ts';
import {
  resumeTrackedRun,
  startTrackedRun,
  type TrackedProgress,
  type TrackedRun,
  type TrackedRunClient,
  type TrackedRunOptions,
  type TrackedRunOutcome,
} from './tracked-run.ts';

export interface StepsClient extends TrackedRunClient {
  download(url: string, opts?: { signal?: AbortSignal | undefined }): Promise<Uint8Array>;
}

/** One request of the pipeline as it ran (or is running). */
export interface StepRun {
  /** 0-based step. */
  step: number;
  /** Which final image of step 1 this run carries on (0 for step 1 itself). */
  chain: number;
  runId: string;
  state: 'running' | TrackedRunOutcome['kind'];
  taskId?: string | undefined;
  /** The tracked run's journal entry as last saved (request, task id): what resuming follows. */
  entry?: RunJournalEntry | undefined;
  /** Tasks of earlier attempts of this request that failed (a retry sends it again): kept, not lost. */
  failedTaskIds?: string[] | undefined;
  /** Every result image of this request. */
  images: ResultImage[];
  /** The images that go on to the next step (in the last step: the chain's final images). */
  finals: ResultImage[];
}

/** A result image with where it came from. */
export interface StepImage extends ResultImage {
  step: number;
  chain: number;
  taskId: string;
  /** One of the pipeline's final images (the last step's finals). */
  final: boolean;
}

export interface StepsProgress extends TrackedProgress {
  /** 0-based step and how many there are. */
  step: number;
  steps: number;
  chain: number;
  chains: number;
}

export interface RunStepsOptions extends Omit<
  TrackedRunOptions,
  'onProgress' | 'onTaskId' | 'runId' | 'expectedImages'
> {
  /** Base of each request's run id (`<runId>` for step 1, `<runId>-s2c1` ...); default random. */
  runId?: string | undefined;
  onProgress?: ((event: StepsProgress) => void) | undefined;
  /** Told each task id as soon as the server accepted it. */
  onTaskId?: ((taskId: string, run: StepRun) => void) | undefined;
  /** Every change of the record (a request recorded, accepted, ended): persist it to resume later. */
  onRecord?: ((runs: StepRun[]) => void | Promise<void>) | undefined;
  /** Puts stored images (asset references) into a request before it is sent. */
  prepareRequest?: ((request: FooocusRequest, step: number) => Promise<FooocusRequest>) | undefined;
  /** Decodes and encodes pixels to fit a mask to a later step's image (sharp, canvas). */
  images?: ImageAdapter | undefined;
  /** False: a finished pipeline returns only its final images (the Output's "final image only"). */
  keepIntermediate?: boolean | undefined;
  /** The record of an interrupted attempt (from `onRecord`): carried on, nothing sent twice. */
  resume?: StepRun[] | undefined;
}

export interface StepsOutcome {
  kind: TrackedRunOutcome['kind'];
  /** The step (0-based) the pipeline ended in: the last one when finished. */
  step: number;
  /** Every request, in run order. */
  runs: StepRun[];
  /** Result images by step; only the final ones when finished without `keepIntermediate`. */
  images: StepImage[];
  warnings: FooocusApiError[];
  error?: FooocusApiError | undefined;
  /** The outcome of the request that ended the pipeline. */
  last?: TrackedRunOutcome | undefined;
}

export interface StepsRun {
  stop(): void;
  /** The request running now. */
  current(): StepRun | undefined;
  readonly done: Promise<StepsOutcome>;
}

function newRunId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function runCompiledSteps(
  client: StepsClient,
  steps: readonly CompiledStep[],
  options: RunStepsOptions,
): StepsRun {
  const base = options.runId ?? newRunId();
  const runs: StepRun[] = structuredClone(options.resume ?? []);
  const warnings: FooocusApiError[] = [];
  let stopRequested = false;
  let tracked: TrackedRun | undefined;
  let current: StepRun | undefined;
  let chains = 1;
  const reader = createPatientReader({
    goneAfterMs: options.goneAfterMs,
    backoff: options.backoff,
    signal: options.signal,
  });

  const record = async () => {
    await options.onRecord?.(structuredClone(runs));
  };

  const runIdOf = (step: number, chain: number) => (step === 0 ? base : `${base}-s${step + 1}c${chain + 1}`);

  /** One request: taken from the record when it finished before, else followed or sent. */
  async function runOne(
    step: number,
    chain: number,
    input: ResultImage | undefined,
  ): Promise<{ run: StepRun; outcome?: TrackedRunOutcome; error?: FooocusApiError }> {
    const found = runs.find((r) => r.step === step && r.chain === chain);
    if (found && found.state === 'finished') return { run: found };
    const run: StepRun = found ?? {
      step,
      chain,
      runId: runIdOf(step, chain),
      state: 'running',
      images: [],
      finals: [],
    };
    if (!found) runs.push(run);
    if (found && (!found.entry || found.entry.state === 'failed')) {
      // A retry of a request that failed (or never got sent): a new task, the old id kept.
      if (found.taskId) found.failedTaskIds = [...(found.failedTaskIds ?? []), found.taskId];
      Object.assign(found, { state: 'running', taskId: undefined, entry: undefined, images: [], finals: [] });
    }
    current = run;
    const compiled = steps[step]!;
    const journal = {
      async save(entry: RunJournalEntry) {
        run.entry = structuredClone(entry);
        run.taskId = entry.taskId;
        await options.journal.save(entry);
        await record();
      },
    };
    const trackedOptions: TrackedRunOptions = {
      ...options,
      journal,
      runId: run.runId,
      expectedImages: { count: compiled.plan.images.count, min: compiled.plan.images.min },
      onProgress: (e) => options.onProgress?.({ ...e, step, steps: steps.length, chain, chains }),
      onTaskId: (id) => {
        run.taskId = id;
        options.onTaskId?.(id, run);
      },
    };
    if (run.entry && run.entry.state !== 'failed') {
      let entry = run.entry;
      if ((entry as Partial<RunJournalEntry>).request === undefined) {
        // Kept without its request (a batch manifest stays small): built again, the same request
        // (the previous step's image, the same seed), for the search and a resend.
        try {
          entry = { ...entry, request: await sendable(compiled, step, chain, input) };
        } catch (e) {
          return { run, error: asApiError(e, step) };
        }
      }
      tracked = resumeTrackedRun(client, entry, trackedOptions);
    } else {
      let request: FooocusRequest;
      try {
        request = await sendable(compiled, step, chain, input);
      } catch (e) {
        run.state = 'failed';
        await record();
        return { run, error: asApiError(e, step) };
      }
      if (stopRequested) return { run };
      tracked = startTrackedRun(client, request, trackedOptions);
    }
    if (stopRequested) tracked.stop();
    const outcome = await tracked.done;
    tracked = undefined;
    run.state = outcome.kind;
    run.entry = outcome.entry;
    if (outcome.kind === 'finished' || outcome.kind === 'stopped') {
      run.taskId = outcome.taskId;
      run.images = outcome.images;
      run.finals = outcome.kind === 'finished' ? finalImagesOf(outcome.images, compiled) : [];
      if (outcome.kind === 'finished') warnings.push(...outcome.warnings);
    }
    await record();
    return { run, outcome };
  }

  /** The step's request with stored images and the previous result put in, and its own seed. */
  async function sendable(
    step: CompiledStep,
    index: number,
    chain: number,
    input: ResultImage | undefined,
  ): Promise<FooocusRequest> {
    let request = options.prepareRequest ? await options.prepareRequest(step.request, index) : step.request;
    if (input && step.input) {
      const bytes = await reader.read(() => client.download(input.url, { signal: options.signal }));
      request = await stepRequestWithInput({ ...step, request }, bytes, options.images);
    }
    const seed = request.image_seed;
    if (index > 0 && typeof seed === 'number' && seed >= 0) {
      request = { ...request, image_seed: (seed + chain) % Number.MAX_SAFE_INTEGER };
    }
    return request;
  }

  function asApiError(e: unknown, step: number): FooocusApiError {
    if (e instanceof FooocusApiError) return e;
    const what = e instanceof ServerSilentError ? 'server-gone' : 'network';
    return new FooocusApiError({
      kind: what,
      message: `Step ${step + 1} could not get the previous step's image: ${(e as Error).message}`,
      cause: e,
    });
  }

  function end(
    kind: StepsOutcome['kind'],
    step: number,
    last?: TrackedRunOutcome,
    error?: FooocusApiError,
  ): StepsOutcome {
    current = undefined;
    const lastStep = steps.length - 1;
    const all: StepImage[] = [];
    for (const r of [...runs].sort((a, b) => a.step - b.step || a.chain - b.chain)) {
      const finals = new Set(r.finals.map((f) => f.url));
      for (const img of r.images) {
        all.push({
          ...img,
          step: r.step,
          chain: r.chain,
          taskId: r.taskId ?? '',
          final: r.step === lastStep && finals.has(img.url),
        });
      }
    }
    const images =
      kind === 'finished' && options.keepIntermediate === false ? all.filter((i) => i.final) : all;
    return { kind, step, runs, images, warnings, error: error ?? errorOf(last), last };
  }

  async function main(): Promise<StepsOutcome> {
    const first = await runOne(0, 0, undefined);
    if (first.error) return end('failed', 0, undefined, first.error);
    if (first.outcome && first.outcome.kind !== 'finished') return end(first.outcome.kind, 0, first.outcome);
    if (!first.outcome && first.run.state !== 'finished') return end('stopped', 0);
    const starts = first.run.finals;
    chains = Math.max(1, starts.length);
    for (const [chain, start] of starts.entries()) {
      let input: ResultImage | undefined = start;
      for (let step = 1; step < steps.length; step++) {
        if (stopRequested && !runs.some((r) => r.step === step && r.chain === chain)) {
          return end('stopped', step);
        }
        const r = await runOne(step, chain, input);
        if (r.error) return end('failed', step, undefined, r.error);
        if (r.outcome && r.outcome.kind !== 'finished') return end(r.outcome.kind, step, r.outcome);
        if (!r.outcome && r.run.state !== 'finished') return end('stopped', step);
        input = r.run.finals[0];
        if (!input && step < steps.length - 1) {
          const error = new FooocusApiError({
            kind: 'empty-result',
            message: `Step ${step + 1} returned no image to carry on with, so step ${step + 2} cannot run.`,
          });
          return end('failed', step, r.outcome, error);
        }
      }
    }
    return end('finished', steps.length - 1);
  }

  return {
    stop() {
      stopRequested = true;
      tracked?.stop();
    },
    current: () => current,
    done: main(),
  };
}

function errorOf(o: TrackedRunOutcome | undefined): FooocusApiError | undefined {
  return o && 'error' in o ? o.error : undefined;
}
