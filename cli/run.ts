/**
 * `fooocus-flow run <workflow.json>`: parse → fill exposed params → prepare images → compile → run
 * against FooocusAPI (or the in-process simulator) → save results and `run.json`.
 *
 * Exit codes: 0 done; 1 graph errors or a failed run; 2 unreadable or invalid input (arguments,
 * workflow file, --input/--set values); 130 cancelled (Ctrl+C, or the caller's signal).
 */
import { mkdir, readFile } from 'node:fs/promises';
import type { FooocusApiError } from '../api/errors.ts';
import { mapValidationErrors } from '../api/validation-map.ts';
import { compile } from '../compiler/compile.ts';
import { applyExposed } from '../compiler/exposed.ts';
import { prepareImages, withPrepareDiagnostics } from '../compiler/prepare/index.ts';
import { nodeImageAdapter } from './node-image-adapter.ts';
import type { Diagnostic, Provenance } from '../compiler/types.ts';
import { inlineRequestImages } from '../compiler/assets/inline-request.ts';
import { formatFileError } from '../compiler/workflow-file/index.ts';
import { formatFileWarnings } from './format.ts';
import { assetRef, type AssetMeta } from '../nodes/assets.ts';
import type { Workflow } from '../nodes/graph.ts';
import { inputFileAsset, openWorkflowFile, type OpenedWorkflow } from './assets.ts';
import { getKind } from '../nodes/registry.ts';
import { startSimEngine } from '../server/sim/index.ts';
import { formatDiagnostics } from './format.ts';
import { EXIT, type CliIO } from './io.ts';
import { EXIT_CANCELLED, followRun, type FollowParams } from './run-follow.ts';
import { readJournal } from './run-journal-file.ts';
import { followSteps } from './run-steps-follow.ts';
import { readStepsJournal } from './run-steps-journal.ts';
import { resolveWorkflowArg } from './library-file.ts';
import { Exit, parseRunArgs, RUN_USAGE, type RunArgs } from './run-args.ts';
import { checkOutDirFree, defaultOutDir } from './run-output.ts';

export type RunIo = CliIO;

export interface RunExtras {
  /**
   * The first Ctrl+C: stop our task on the server (once it is ours and running), keep what finished.
   * Without one, `run` listens for SIGINT itself.
   */
  signal?: AbortSignal | undefined;
  /** The second Ctrl+C: leave the task running, keep the journal, quit. */
  detachSignal?: AbortSignal | undefined;
  /** The built-in engine's read loop (ms); default the real server's 200. Tests shorten it. */
  simTickMs?: number | undefined;
  /** Shorter waits for tests (poll interval, backoff, "server gone" time). */
  tuning?: FollowParams['tuning'];
  /** Base of the default `--out`; default `process.cwd()`. */
  cwd?: string | undefined;
}

export async function runCommand(argv: string[], io: RunIo, extras: RunExtras = {}): Promise<number> {
  // Without a caller's signal, Ctrl+C stops the task on the server (first press) or leaves it
  // running with the journal kept (second press), rather than the process dying mid-write.
  const stop = extras.signal ? undefined : new AbortController();
  const detach = extras.signal ? undefined : new AbortController();
  const onSigint = () => (stop!.signal.aborted ? detach!.abort() : stop!.abort());
  if (stop) process.on('SIGINT', onSigint);
  try {
    return await runSteps(parseRunArgs(argv), io, {
      ...extras,
      signal: extras.signal ?? stop?.signal,
      detachSignal: extras.detachSignal ?? detach?.signal,
    });
  } catch (e) {
    if (e instanceof Exit) {
      io.stderr.write(`${e.message}\n`);
      return e.code;
    }
    io.stderr.write(
      `fooocus-flow run: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return EXIT.graphErrors;
  } finally {
    if (stop) process.off('SIGINT', onSigint);
  }
}

async function runSteps(args: RunArgs, io: RunIo, extras: RunExtras): Promise<number> {
  if (args.resume !== undefined) return resumeSteps(args, args.resume, io, extras);
  const out = args.out ?? defaultOutDir(extras.cwd ?? process.cwd(), new Date());
  const busy = await checkOutDirFree(out);
  if (busy) throw new Exit(EXIT.badInput, busy);

  const opened = await loadWorkflow(args, io);
  const workflow = opened.workflow;
  const prepared = await prepareImages(workflow, nodeImageAdapter, opened.reader);
  // A fresh seed per run, unless asked; kept in [0, 2^53) so JSON round-trips it exactly.
  const seed = args.seed ?? Math.floor(Math.random() * Number.MAX_SAFE_INTEGER);
  const compiled = withPrepareDiagnostics(
    compile(workflow, { seed, images: prepared.images }),
    prepared.diagnostics,
  );
  const diagnostics = compiled.diagnostics;
  if (diagnostics.length > 0) {
    io.stderr.write(
      `${formatDiagnostics(
        diagnostics.map((d) => forTheCommandLine(d, workflow)),
        workflow,
      )}\n`,
    );
  }
  if (!compiled.ok) {
    throw new Exit(EXIT.graphErrors, 'The workflow has errors (listed above); nothing was sent.');
  }
  // Cancelled while preparing: nothing was sent, so there is nothing to stop or record.
  if (extras.signal?.aborted) throw cancelled();

  const engine = args.api
    ? undefined
    : await startSimEngine({
        port: 0,
        speed: 0,
        ...(extras.simTickMs !== undefined ? { tickMs: extras.simTickMs } : {}),
      });
  try {
    const baseUrl = args.api ?? engine!.url;
    io.stderr.write(
      `Running "${workflow.name}" on ${args.api ? baseUrl : `the simulated engine (${baseUrl})`} ...\n`,
    );
    if (args.streamAsked) {
      io.stderr.write(
        'Note: --stream is ignored. Runs are followed by polling: on FooocusAPI a progress stream that is cut ' +
          '(a dropped connection, Ctrl+C, another stream ending first) leaves its task unrecorded and its images unlisted.\n',
      );
    }
    // The body carries the images' bytes, built now from the stored files (not re-encoded).
    const request = await inlineRequestImages(compiled.request, opened.reader);
    // The journal lives in the output folder from the start, so a killed run can be resumed.
    await mkdir(out, { recursive: true });
    if (compiled.steps.length > 1) {
      // A graph one request cannot do: its steps run in order, each result going into the next.
      const steps = await Promise.all(
        compiled.steps.map(async (s) => ({
          ...s,
          request: await inlineRequestImages(s.request, opened.reader),
        })),
      );
      io.stderr.write(`This workflow runs as ${steps.length} requests, one after the other.\n`);
      return await followSteps({
        out,
        baseUrl,
        apiKey: args.apiKey,
        context: { workflow, plan: compiled.plan, diagnostics, api: args.api ?? null },
        steps,
        io,
        stopSignal: extras.signal,
        detachSignal: extras.detachSignal,
        tuning: extras.tuning,
        describeFailure: (e, step) => runFailure(e, compiled.steps[step]?.provenance),
      });
    }
    return await followRun({
      out,
      baseUrl,
      apiKey: args.apiKey,
      context: { workflow, plan: compiled.plan, diagnostics, api: args.api ?? null },
      start: { request },
      io,
      stopSignal: extras.signal,
      detachSignal: extras.detachSignal,
      tuning: extras.tuning,
      describeFailure: (e) => runFailure(e, compiled.provenance),
    });
  } finally {
    await engine?.close();
  }
}

/** `--resume OUT`: the journal says which server, task and request; results are saved like a normal run. */
async function resumeSteps(args: RunArgs, out: string, io: RunIo, extras: RunExtras): Promise<number> {
  const pipeline = await readStepsJournal(out);
  if (pipeline) return resumePipeline(args, out, pipeline, io, extras);
  const read = await readJournal(out);
  if (!read.ok) throw new Exit(EXIT.badInput, read.message);
  const { entry, context } = read;
  const baseUrl = resumeServer(args, out, context.api);
  io.stderr.write(
    entry.taskId
      ? `Resuming task ${entry.taskId} on ${baseUrl} ...\n`
      : `Resuming on ${baseUrl}: the submit reply was never received, looking for the task first ...\n`,
  );
  return followRun({
    out,
    baseUrl,
    apiKey: args.apiKey,
    context: { ...context, api: context.api },
    start: { entry },
    io,
    stopSignal: extras.signal,
    detachSignal: extras.detachSignal,
    tuning: extras.tuning,
    // The recorded plan has no provenance: a 422 cannot happen on resume unless it is sent again.
    describeFailure: (e) => runFailure(e, undefined),
  });
}

/** The server a resumed run goes on with: --api, else the recorded one (none for the built-in engine). */
function resumeServer(args: RunArgs, out: string, recorded: string | null): string {
  const baseUrl = args.api ?? recorded;
  if (baseUrl) return baseUrl;
  throw new Exit(
    EXIT.badInput,
    `${out} was run on the built-in simulated engine, which ended with its process: there is nothing to resume. ` +
      'Run the workflow again.',
  );
}

/** `--resume OUT` of a graph run as steps: finished steps are kept, the rest carried on. */
async function resumePipeline(
  args: RunArgs,
  out: string,
  read: NonNullable<Awaited<ReturnType<typeof readStepsJournal>>>,
  io: RunIo,
  extras: RunExtras,
): Promise<number> {
  if (!read.ok) throw new Exit(EXIT.badInput, read.message);
  const { context, steps, runs } = read.data;
  const baseUrl = resumeServer(args, out, context.api);
  const done = runs.filter((r) => r.state === 'finished').length;
  io.stderr.write(
    `Resuming the ${steps.length}-step run on ${baseUrl} (${done} request(s) already finished) ...\n`,
  );
  return followSteps({
    out,
    baseUrl,
    apiKey: args.apiKey,
    context,
    steps,
    resume: runs,
    io,
    stopSignal: extras.signal,
    detachSignal: extras.detachSignal,
    tuning: extras.tuning,
    describeFailure: (e, step) => runFailure(e, steps[step]?.provenance),
  });
}

async function loadWorkflow(
  args: RunArgs & { file: string | undefined },
  io: CliIO,
): Promise<OpenedWorkflow> {
  if (args.file === undefined)
    throw new Exit(EXIT.badInput, `Give exactly one workflow file.\n\n${RUN_USAGE}`);
  // A name from the workflow library (`run my-portrait`) when no such file is here.
  const resolved = await resolveWorkflowArg(args.file);
  if (!resolved.ok) throw new Exit(EXIT.badInput, resolved.message);
  if (resolved.fromLibrary) io.stderr.write(`Workflow "${args.file}" from the library: ${resolved.path}\n`);
  let text: string;
  try {
    text = await readFile(resolved.path, 'utf8');
  } catch (e) {
    throw new Exit(EXIT.badInput, `Cannot read ${args.file}: ${(e as Error).message}`);
  }
  const parsed = await openWorkflowFile(text, args.file, args.assets);
  if (!parsed.ok) {
    const lines = parsed.errors.map((e) => `  ${formatFileError(e)}`).join('\n');
    throw new Exit(EXIT.badInput, `${args.file} is not a valid workflow:\n${lines}`);
  }
  const opened = parsed.opened;
  if (opened.warnings.length) io.stderr.write(formatFileWarnings(opened.warnings) + '\n');
  const inputs: Record<string, string> = {};
  const assets: Record<string, AssetMeta> = {};
  for (const [name, path] of Object.entries(args.inputs)) {
    const meta = await inputFileAsset(name, path, opened.memory).catch((e: Error) => {
      throw new Exit(EXIT.badInput, e.message);
    });
    inputs[name] = assetRef(meta.hash);
    assets[meta.hash] = meta;
  }
  if (Object.keys(inputs).length === 0 && Object.keys(args.set).length === 0) return opened;
  const applied = applyExposed(opened.workflow, { set: args.set, inputs, assets });
  if (applied.errors.length > 0) {
    const lines = applied.errors.map((e) => `  ${e}`).join('\n');
    throw new Exit(EXIT.badInput, `The --set/--input values do not fit the workflow:\n${lines}`);
  }
  return { ...opened, workflow: applied.workflow };
}

function cancelled(): Exit {
  return new Exit(EXIT_CANCELLED, 'The run was cancelled; nothing was saved.');
}

/**
 * The compiler speaks to the editor ("pick a file, drop or paste one"); on the command line a missing
 * image is filled with `--input NAME=FILE`, when the workflow exposes it.
 */
function forTheCommandLine(d: Diagnostic, workflow: Workflow): Diagnostic {
  if (d.code !== 'S-no-image' || !d.nodeId) return d;
  const node = workflow.nodes.find((n) => n.id === d.nodeId);
  const what = node?.label ?? (node && getKind(node.kind)?.title.en) ?? d.nodeId;
  const exposed = workflow.exposed.find((x) => x.nodeId === d.nodeId && x.param === 'image');
  const en = exposed
    ? `${what} has no image: use --input ${exposed.name}=FILE (a PNG or JPEG).`
    : `${what} has no image, and the workflow does not expose it: set the image in the editor, or expose its "image" parameter and use --input NAME=FILE.`;
  const zh = exposed
    ? `${what} 没有图像：请使用 --input ${exposed.name}=文件（PNG 或 JPEG）。`
    : `${what} 没有图像，且工作流未公开该参数：请在编辑器中设置图像，或公开其 "image" 参数后使用 --input 名称=文件。`;
  return { ...d, message: { en, zh } };
}

/** The client's message, plus for a 422 each complaint tied to the node that made the field. */
function runFailure(e: FooocusApiError, provenance: Provenance | undefined): string {
  const lines = [`Run failed (${e.kind}): ${e.message}`];
  if (e.kind === 'validation' && e.details && provenance) {
    for (const m of mapValidationErrors(e.details, provenance)) {
      const where = m.nodeId ? `node ${m.nodeId}${m.param ? `.${m.param}` : ''}` : 'request';
      lines.push(`  ${where} (${m.field}): ${m.message}`);
    }
  }
  return lines.join('\n');
}
