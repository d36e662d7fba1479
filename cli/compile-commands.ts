/**
 * `fooocus-flow compile | validate | decompile`. Arguments are parsed strictly: an unknown flag is
 * refused (exit 2 with the usage) instead of being ignored. `compile` and `decompile` print one
 * document on stdout, so they take exactly one file; `validate` checks each file it is given.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { compile } from '../compiler/compile.ts';
import { decompileText, MAX_REQUEST_BYTES } from '../compiler/decompile.ts';
import { prepareImages, withPrepareDiagnostics } from '../compiler/prepare/index.ts';
import { createNodeImageAdapter } from './node-image-adapter.ts';
import { boundedImageFetch, FETCH_IMAGE_LIMITS } from '../server/bounded-fetch.ts';
import { megabytes } from '../compiler/text-size.ts';
import { inlineRequestImages } from '../compiler/assets/inline-request.ts';
import { MemoryAssetStore } from '../compiler/assets/memory-store.ts';
import {
  closestName,
  exportWorkflow,
  formatFileError,
  MAX_WORKFLOW_BYTES,
} from '../compiler/workflow-file/index.ts';
import type { AssetReader } from '../nodes/assets.ts';
import type { Workflow } from '../nodes/graph.ts';
import { emptyWorkflow } from '../compiler/rules/chain-shape.ts';
import { formatDiagnostics, formatFileWarnings, summaryLine } from './format.ts';
import { EXIT, readInput, type CliIO } from './io.ts';
import { openWorkflowFile, type OpenedWorkflow } from './assets.ts';

const FETCH_HELP = `  --fetch-images download http(s) images to measure them (at most ${megabytes(FETCH_IMAGE_LIMITS.maxBytes)} and ${FETCH_IMAGE_LIMITS.timeoutMs / 1000} s
                 each); without it no URL is ever fetched and their sizes stay unknown
`;
export const COMPILE_USAGE = `usage: fooocus-flow compile <workflow.json> [--json] [--assets DIR] [--fetch-images]
  Prints the FooocusAPI request on stdout (images inlined as base64, ready to send); diagnostics
  and the plan summary on stderr.
  --json         print {request, diagnostics, plan} on stdout instead
  --assets DIR   an asset folder to read images from that the file does not embed
${FETCH_HELP}  One file at a time ("-" reads stdin). Exit 0 ok (warnings allowed), 1 graph errors, 2 bad file.
`;
export const VALIDATE_USAGE = `usage: fooocus-flow validate <workflow.json>... [--assets DIR] [--fetch-images]
  Prints the diagnostics of each file on stdout (with a "== file" header when there are several).
  --assets DIR   an asset folder to read images from that the files do not embed
${FETCH_HELP}  Exit code: the worst of all files (0 ok, 1 graph errors, 2 a file is unreadable or invalid).
`;
export const DECOMPILE_USAGE = `usage: fooocus-flow decompile <request.json>
  Turns a FooocusAPI request into a workflow on stdout (format version 2, its images embedded).
  The request may be JSON, a task record from /tasks (or its req_params), the Python dict of the
  FooocusAPI documents (params = {...}, or the whole script), or a curl command (-d/--data/--data-raw).
  Notes on what was recognised, ignored, or would be ignored by the server go to stderr.
  One file at a time ("-" reads stdin).
`;

type Parsed =
  | { ok: true; json: boolean; assets: string | undefined; fetchImages: boolean; files: string[] }
  | { ok: false; code: number };

/** Strict flags: unknown ones exit 2 with the usage (and a "did you mean" for close names). */
function parseCommandArgs(
  args: string[],
  io: CliIO,
  usage: string,
  options: { json?: boolean; assets?: boolean; files: 'one' | 'many' },
): Parsed {
  const known: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  if (options.json) known.json = { type: 'boolean' };
  if (options.assets) {
    known.assets = { type: 'string' };
    known['fetch-images'] = { type: 'boolean' };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: known });
  } catch (err) {
    const option = /'(-[^']*)'/.exec((err as Error).message)?.[1];
    const code = (err as { code?: string }).code;
    const hint = option ? closestName(option.replace(/^-+/, ''), Object.keys(known)) : undefined;
    const why =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option
        ? `unknown option ${option}${hint ? `; did you mean --${hint}?` : ''}`
        : (err as Error).message;
    io.stderr.write(`${why}\n\n${usage}`);
    return { ok: false, code: EXIT.badInput };
  }
  const { values, positionals } = parsed;
  if ((values as { help?: boolean }).help) {
    io.stdout.write(usage);
    return { ok: false, code: EXIT.ok };
  }
  if (positionals.length === 0) {
    io.stderr.write(`no file given\n\n${usage}`);
    return { ok: false, code: EXIT.badInput };
  }
  if (options.files === 'one' && positionals.length > 1) {
    io.stderr.write(
      `${positionals.length} files given; this command takes one file at a time (it prints one document)\n\n${usage}`,
    );
    return { ok: false, code: EXIT.badInput };
  }
  const v = values as { json?: boolean; assets?: string; 'fetch-images'?: boolean };
  return {
    ok: true,
    json: v.json === true,
    assets: v.assets,
    fetchImages: v['fetch-images'] === true,
    files: positionals,
  };
}

async function loadWorkflow(path: string, io: CliIO, assetsDir?: string): Promise<OpenedWorkflow | null> {
  const input = await readInput(path, MAX_WORKFLOW_BYTES);
  if (!input.ok) {
    io.stderr.write(`${input.message}\n`);
    return null;
  }
  const parsed = await openWorkflowFile(input.text, path, assetsDir);
  if (!parsed.ok) {
    io.stderr.write(`${path} is not a valid workflow:\n`);
    for (const e of parsed.errors) io.stderr.write(`  ${formatFileError(e)}\n`);
    return null;
  }
  return parsed.opened;
}

/** Compiles with images prepared (sizes measured, masks fitted), as a run would send it. */
async function compilePrepared(wf: Workflow, assets: AssetReader, fetchImages: boolean) {
  const adapter = createNodeImageAdapter(fetchImages ? { fetchBytes: boundedImageFetch() } : {});
  const prepared = await prepareImages(wf, adapter, assets);
  const result = withPrepareDiagnostics(compile(wf, { images: prepared.images }), prepared.diagnostics);
  const empty = emptyWorkflow(wf);
  return empty ? { ...result, diagnostics: [empty, ...result.diagnostics], ok: false } : result;
}

export async function compileCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs(args, io, COMPILE_USAGE, { json: true, assets: true, files: 'one' });
  if (!parsed.ok) return parsed.code;
  const file = parsed.files[0]!;
  const loaded = await loadWorkflow(file, io, parsed.assets);
  if (!loaded) return EXIT.badInput;
  const wf = loaded.workflow;
  const r = await compilePrepared(wf, loaded.reader, parsed.fetchImages);
  if (loaded.warnings.length) io.stderr.write(formatFileWarnings(loaded.warnings) + '\n');
  // The requests as they would be sent; an image that is missing (reported above) stays a reference.
  const requests = await Promise.all(
    r.steps.map((s) => inlineRequestImages(s.request, loaded.reader).catch(() => s.request)),
  );
  const request = requests[0]!;
  if (parsed.json) {
    const steps = r.steps.map((s, i) => ({
      request: requests[i],
      plan: s.plan,
      ...(s.input ? { input: s.input } : {}),
    }));
    io.stdout.write(
      JSON.stringify({ steps, request, diagnostics: r.diagnostics, plan: r.plan }, null, 2) + '\n',
    );
  } else if (requests.length > 1) {
    // A graph one request cannot do: the step requests in run order; each later one takes the
    // previous step's result image where it says "fooocus-flow:step-result:N".
    io.stdout.write(JSON.stringify(requests, null, 2) + '\n');
    io.stderr.write(
      `note: this workflow runs as ${requests.length} requests (a JSON array, in order); each takes the previous one's result image in the field marked "fooocus-flow:step-result:N". \`fooocus-flow run\` chains them.\n`,
    );
    if (r.diagnostics.length) io.stderr.write(formatDiagnostics(r.diagnostics, wf) + '\n');
    io.stderr.write(`${r.plan.summary.en}\n${summaryLine(r.diagnostics, loaded.warnings.length)}\n`);
  } else {
    io.stdout.write(JSON.stringify(request, null, 2) + '\n');
    if (r.diagnostics.length) io.stderr.write(formatDiagnostics(r.diagnostics, wf) + '\n');
    io.stderr.write(`${r.plan.summary.en}\n${summaryLine(r.diagnostics, loaded.warnings.length)}\n`);
  }
  return r.ok ? EXIT.ok : EXIT.graphErrors;
}

export async function validateCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs(args, io, VALIDATE_USAGE, { assets: true, files: 'many' });
  if (!parsed.ok) return parsed.code;
  let worst: number = EXIT.ok;
  for (const file of parsed.files) {
    if (parsed.files.length > 1) io.stdout.write(`== ${file}\n`);
    const code = await validateOne(file, io, parsed.assets, parsed.fetchImages);
    worst = Math.max(worst, code);
  }
  return worst;
}

async function validateOne(
  file: string,
  io: CliIO,
  assetsDir: string | undefined,
  fetchImages: boolean,
): Promise<number> {
  const loaded = await loadWorkflow(file, io, assetsDir);
  if (!loaded) return EXIT.badInput;
  const wf = loaded.workflow;
  const r = await compilePrepared(wf, loaded.reader, fetchImages);
  if (loaded.warnings.length) io.stdout.write(formatFileWarnings(loaded.warnings) + '\n');
  if (r.diagnostics.length) io.stdout.write(formatDiagnostics(r.diagnostics, wf) + '\n');
  io.stdout.write(`${r.plan.summary.en}\n${summaryLine(r.diagnostics, loaded.warnings.length)}\n`);
  return r.ok ? EXIT.ok : EXIT.graphErrors;
}

export async function decompileCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs(args, io, DECOMPILE_USAGE, { files: 'one' });
  if (!parsed.ok) return parsed.code;
  const file = parsed.files[0]!;
  const input = await readInput(file, MAX_REQUEST_BYTES);
  if (!input.ok) {
    io.stderr.write(`${input.message}\n`);
    return EXIT.badInput;
  }
  const name =
    file === '-'
      ? 'Decompiled request'
      : file.replace(/^.*[/\\]/, '').replace(/\.(json|py|txt|sh|curl)$/, '');
  const r = decompileText(input.text, name);
  if (!r.ok) {
    const oneLine = r.errors.length === 1 && ['format', '(file)'].includes(r.errors[0]!.path);
    io.stderr.write(
      oneLine
        ? `${file}: ${r.errors[0]!.message}\n`
        : `${file} is not a valid FooocusAPI request:\n${r.errors.map((e) => `  ${e.path}: ${e.message}\n`).join('')}`,
    );
    return EXIT.badInput;
  }
  // Version 2: the request's inline images become assets, embedded so the file stands alone.
  const exported = await exportWorkflow(r.workflow, new MemoryAssetStore(), { images: 'embed' });
  io.stdout.write(exported.text);
  for (const e of exported.invalid)
    io.stderr.write(
      `note: ${e.path}: the request's image is not base64 data (cut off?); left empty — pick the image in the editor or bind it with --input\n`,
    );
  for (const n of r.notes) io.stderr.write(`note: ${n.en}\n`);
  return EXIT.ok;
}
