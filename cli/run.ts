/**
 * `fooocus-flow run <workflow.json>`: parse → fill exposed params → prepare images → compile → run
 * against FooocusAPI (or the in-process simulator) → save results and `run.json`.
 *
 * Exit codes: 0 done; 1 graph errors or a failed run; 2 unreadable or invalid input (arguments,
 * workflow file, --input/--set values); 130 cancelled (Ctrl+C, or the caller's signal).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { CancelOutcome } from '../api/cancel.ts';
import { createFooocusClient, type FooocusClient } from '../api/client.ts';
import { FooocusApiError } from '../api/errors.ts';
import type { RunResult } from '../api/results.ts';
import { mapValidationErrors } from '../api/validation-map.ts';
import { compile } from '../compiler/compile.ts';
import { applyExposed } from '../compiler/exposed.ts';
import { prepareImages, withPrepareDiagnostics } from '../compiler/prepare/index.ts';
import { nodeImageAdapter } from '../compiler/prepare/node-adapter.ts';
import type { CompileResult, Diagnostic, Plan } from '../compiler/types.ts';
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
import {
  checkOutDirFree,
  createProgressBar,
  createStagedDir,
  defaultOutDir,
  mapResults,
  type ResultMapping,
} from './run-output.ts';

export type RunIo = CliIO;

export interface RunExtras {
  /**
   * Ctrl-C: abort the run, stop our task on the server if it is running, and leave nothing behind.
   * Without one, `run` listens for SIGINT itself.
   */
  signal?: AbortSignal | undefined;
  /** Base of the default `--out`; default `process.cwd()`. */
  cwd?: string | undefined;
}

export const RUN_USAGE = `Usage: fooocus-flow run <workflow.json> [options]

Options:
  --api URL            FooocusAPI server (default: a simulated engine started for this run)
  --api-key KEY        sent as X-API-KEY
  --out DIR            where to save results (default ./fooocus-flow-out/<timestamp>)
  --input NAME=FILE    a PNG, JPEG or WebP for the exposed image input NAME (repeatable)
  --assets DIR         an asset folder to read images from that the file does not embed
  --set NAME=VALUE     a value for the exposed parameter NAME (repeatable)
  --poll               follow progress by polling GET /tasks/{id} (no stage messages)
                       instead of the SSE stream (the default; --stream forces it)
  --seed N             seed for a workflow that asks for a random one

Ctrl+C cancels: the task is stopped on the server if it is running, nothing is saved, exit code 130.
`;

/** The conventional exit code of a command ended by SIGINT (128 + 2). */
const EXIT_CANCELLED = 130;

/** A user error that ends the command with a message and an exit code, not a stack trace. */
class Exit extends Error {
  constructor(
    readonly code: (typeof EXIT)['graphErrors' | 'badInput'] | typeof EXIT_CANCELLED,
    message: string,
  ) {
    super(message);
  }
}

interface RunArgs {
  file: string;
  api: string | undefined;
  apiKey: string | undefined;
  out: string | undefined;
  inputs: Record<string, string>;
  set: Record<string, string>;
  /** An asset folder for images the file does not embed (saved without images). */
  assets: string | undefined;
  /** SSE (the default: it carries the stage messages) or polling. */
  mode: 'stream' | 'poll';
  seed: number | undefined;
}

export async function runCommand(argv: string[], io: RunIo, extras: RunExtras = {}): Promise<number> {
  // Without a caller's signal, Ctrl-C cancels the run so the staging folder is removed, rather than
  // the process dying with half the images written.
  const interrupt = extras.signal ? undefined : new AbortController();
  const onSigint = () => interrupt?.abort();
  if (interrupt) process.once('SIGINT', onSigint);
  try {
    return await runSteps(parseRunArgs(argv), io, { ...extras, signal: extras.signal ?? interrupt?.signal });
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
    if (interrupt) process.off('SIGINT', onSigint);
  }
}

export function parseRunArgs(argv: string[]): RunArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        api: { type: 'string' },
        'api-key': { type: 'string' },
        out: { type: 'string' },
        input: { type: 'string', multiple: true },
        set: { type: 'string', multiple: true },
        stream: { type: 'boolean' },
        poll: { type: 'boolean' },
        seed: { type: 'string' },
        assets: { type: 'string' },
      },
    });
  } catch (e) {
    throw new Exit(EXIT.badInput, `${(e as Error).message}\n\n${RUN_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new Exit(EXIT.badInput, `Give exactly one workflow file.\n\n${RUN_USAGE}`);
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(seed)) {
      throw new Exit(
        EXIT.badInput,
        `--seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "${values.seed}"`,
      );
    }
  }
  if (values.stream && values.poll) {
    throw new Exit(EXIT.badInput, `Give either --stream or --poll, not both.\n\n${RUN_USAGE}`);
  }
  if (values.api !== undefined && !/^https?:\/\/[^/]/.test(values.api)) {
    throw new Exit(
      EXIT.badInput,
      `--api must be an http(s) URL such as http://127.0.0.1:7866, got "${values.api}"`,
    );
  }
  return {
    file: positionals[0]!,
    api: values.api,
    apiKey: values['api-key'],
    out: values.out,
    inputs: pairs('--input', values.input),
    set: pairs('--set', values.set),
    assets: values.assets,
    mode: values.poll ? 'poll' : 'stream',
    seed,
  };
}

function pairs(flag: string, items: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Exit(EXIT.badInput, `${flag} needs NAME=VALUE, got "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

async function runSteps(args: RunArgs, io: RunIo, extras: RunExtras): Promise<number> {
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

  const engine = args.api ? undefined : await startSimEngine({ port: 0, speed: 0 });
  try {
    const baseUrl = args.api ?? engine!.url;
    io.stderr.write(
      `Running "${workflow.name}" on ${args.api ? baseUrl : `the simulated engine (${baseUrl})`} ...\n`,
    );
    if (args.mode === 'poll') {
      io.stderr.write(
        `Polling for progress: the server sends no stage messages this way (drop --poll to see them).\n`,
      );
    }
    // The body carries the images' bytes, built now from the stored files (not re-encoded).
    const sendable = { ...compiled, request: await inlineRequestImages(compiled.request, opened.reader) };
    const result = await execute(args, baseUrl, sendable, io, extras.signal, !engine);
    for (const w of result.result.warnings) io.stderr.write(`warning: ${w.message}\n`);
    const mapping = mapResults(
      result.result.images.map((i) => i.url),
      compiled.plan,
      workflow,
      compiled.request.image_number ?? 1,
    );
    if (mapping.note) io.stderr.write(`${mapping.note}\n`);
    const saved = await save(
      out,
      result,
      mapping,
      {
        workflow,
        // As sent: images inlined, so run.json alone shows exactly what the server received.
        request: sendable.request,
        task: result.result.task,
        plan: compiled.plan,
        diagnostics,
        files: mapping.files,
        fileMapping: mapping.mapping,
        ...(mapping.note ? { resultNote: mapping.note } : {}),
      },
      extras.signal,
    );
    for (const path of saved) io.stdout.write(`${path}\n`);
    return EXIT.ok;
  } finally {
    await engine?.close();
  }
}

async function loadWorkflow(args: RunArgs, io: CliIO): Promise<OpenedWorkflow> {
  let text: string;
  try {
    text = await readFile(args.file, 'utf8');
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

interface Executed {
  result: RunResult;
  download: (url: string) => Promise<Uint8Array>;
}

async function execute(
  args: RunArgs,
  baseUrl: string,
  compiled: CompileResult,
  io: RunIo,
  signal: AbortSignal | undefined,
  /** False for the built-in simulator: closing it ends its task anyway. */
  remote: boolean,
): Promise<Executed> {
  // Cancelled while preparing: nothing was sent, so there is nothing to stop.
  if (signal?.aborted) throw cancelled();
  const client = createFooocusClient({ baseUrl, apiKey: args.apiKey });
  const bar = createProgressBar(io.stderr);
  const steps = planSteps(compiled.plan);
  let taskId: string | undefined;
  try {
    const result = await client.run(compiled.request, {
      mode: args.mode,
      // Polled records carry no stage message: say which steps the task runs instead.
      onProgress: (p) =>
        bar.update(
          args.mode === 'poll' && steps && /^Generating \.\.\./.test(p.message)
            ? { ...p, message: `${steps} ... ${Math.round(p.progress)}%` }
            : p,
        ),
      onSubmitted: (id) => (taskId = id),
      signal,
      expectedImages: { count: compiled.plan.images.count, min: compiled.plan.images.min },
    });
    bar.update({ progress: 100, message: `Finished: ${result.images.length} image(s)` });
    bar.done();
    return { result, download: (url) => client.download(url, { signal }) };
  } catch (e) {
    bar.done();
    if (signal?.aborted) {
      if (remote) await stopOnServer(client, { taskId, request: compiled.request }, io);
      throw cancelled();
    }
    throw new Exit(EXIT.graphErrors, runFailure(e, compiled));
  }
}

/** `Vary (Strong) → Enhance region #1: face → ...`, or undefined for an empty plan. */
function planSteps(plan: Plan): string | undefined {
  return plan.stages.map((s) => s.label.en).join(' → ') || undefined;
}

function cancelled(): Exit {
  return new Exit(EXIT_CANCELLED, 'The run was cancelled; nothing was saved.');
}

/**
 * Ctrl+C: FooocusAPI keeps running a task whose client went away (contract §5.8), so stop it, but
 * only when the running task is ours. A second Ctrl+C quits at once (the SIGINT listener is gone).
 */
async function stopOnServer(
  client: FooocusClient,
  target: Parameters<FooocusClient['cancel']>[0],
  io: RunIo,
): Promise<void> {
  io.stderr.write('Cancelling: stopping the task on the server (Ctrl+C again to quit without waiting) ...\n');
  let outcome: CancelOutcome;
  try {
    outcome = await client.cancel(target);
  } catch (e) {
    const why = e instanceof FooocusApiError ? e.message : String(e);
    io.stderr.write(`Could not stop the task on the server: ${why}\n`);
    return;
  }
  const control = `${client.baseUrl}/v1/engine/control?action=stop`;
  switch (outcome.state) {
    case 'stopped':
      io.stderr.write(
        outcome.task
          ? `Stopped task ${outcome.taskId} on the server.\n`
          : `Asked the server to stop task ${outcome.taskId}; it has not confirmed yet.\n`,
      );
      return;
    case 'ended':
      io.stderr.write(`Task ${outcome.taskId} had already ended on the server; nothing to stop.\n`);
      return;
    case 'queued':
      io.stderr.write(
        `Task ${outcome.taskId} is still queued on the server, and FooocusAPI cannot remove a queued task: ` +
          `it will run when its turn comes. Stop it then with POST ${control}\n`,
      );
      return;
    case 'not-found':
      io.stderr.write(
        `The task was not found running on the server, so nothing was stopped. Check ${client.baseUrl}/tasks?query=current\n`,
      );
  }
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
function runFailure(e: unknown, compiled: CompileResult): string {
  if (!(e instanceof FooocusApiError)) throw e;
  const lines = [`Run failed (${e.kind}): ${e.message}`];
  if (e.kind === 'validation' && e.details) {
    for (const m of mapValidationErrors(e.details, compiled.provenance)) {
      const where = m.nodeId ? `node ${m.nodeId}${m.param ? `.${m.param}` : ''}` : 'request';
      lines.push(`  ${where} (${m.field}): ${m.message}`);
    }
  }
  return lines.join('\n');
}

/** Images first, then run.json, all into the staging folder; moved into place only when complete. */
async function save(
  out: string,
  executed: Executed,
  mapping: ResultMapping,
  record: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const dir = await createStagedDir(out);
  try {
    for (const file of mapping.files) {
      // Re-downloaded through /outputs on the configured server (re-based), as stored, metadata and all.
      await dir.write(file.file, await executed.download(file.url));
    }
    await dir.write('run.json', `${JSON.stringify(record, null, 2)}\n`);
    if (signal?.aborted) throw cancelled();
    return await dir.commit();
  } catch (e) {
    await dir.discard();
    if (signal?.aborted) throw cancelled();
    if (e instanceof FooocusApiError)
      throw new Exit(EXIT.graphErrors, `Saving the results failed (${e.kind}): ${e.message}`);
    throw e;
  }
}
