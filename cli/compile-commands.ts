import { compile } from '../compiler/compile.ts';
import { decompile } from '../compiler/decompile.ts';
import { prepareImages } from '../compiler/prepare/prepare.ts';
import { nodeImageAdapter } from '../compiler/prepare/node-adapter.ts';
import { parseWorkflowText, serializeWorkflow } from '../compiler/workflow-file/index.ts';
import type { Workflow } from '../nodes/graph.ts';
import { formatDiagnostics, summaryLine } from './format.ts';
import { EXIT, readInput, type CliIO } from './io.ts';

async function loadWorkflow(path: string, io: CliIO): Promise<Workflow | null> {
  const input = await readInput(path);
  if (!input.ok) {
    io.stderr.write(`${input.message}\n`);
    return null;
  }
  const parsed = parseWorkflowText(input.text, path);
  if (!parsed.ok) {
    io.stderr.write(`${path} is not a valid workflow:\n`);
    for (const e of parsed.errors) io.stderr.write(`  ${e.path}: ${e.message}\n`);
    return null;
  }
  return parsed.workflow;
}

/** Compiles with images prepared (sizes measured, masks fitted), as a run would send it. */
async function compilePrepared(wf: Workflow, seed?: number) {
  const prepared = await prepareImages(wf, nodeImageAdapter);
  const result = compile(wf, { images: prepared.images, seed });
  return {
    ...result,
    diagnostics: [...prepared.diagnostics, ...result.diagnostics],
    ok: result.ok && !prepared.diagnostics.some((d) => d.severity === 'error'),
  };
}

export async function compileCommand(args: string[], io: CliIO): Promise<number> {
  const json = args.includes('--json');
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    io.stderr.write('usage: fooocus-flow compile <workflow.json> [--json]\n');
    return EXIT.badInput;
  }
  const wf = await loadWorkflow(file, io);
  if (!wf) return EXIT.badInput;
  const r = await compilePrepared(wf);
  if (json) {
    io.stdout.write(
      JSON.stringify({ request: r.request, diagnostics: r.diagnostics, plan: r.plan }, null, 2) + '\n',
    );
  } else {
    io.stdout.write(JSON.stringify(r.request, null, 2) + '\n');
    if (r.diagnostics.length) io.stderr.write(formatDiagnostics(r.diagnostics, wf) + '\n');
    io.stderr.write(`${r.plan.summary.en}\n${summaryLine(r.diagnostics)}\n`);
  }
  return r.ok ? EXIT.ok : EXIT.graphErrors;
}

export async function validateCommand(args: string[], io: CliIO): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    io.stderr.write('usage: fooocus-flow validate <workflow.json>\n');
    return EXIT.badInput;
  }
  const wf = await loadWorkflow(file, io);
  if (!wf) return EXIT.badInput;
  const r = await compilePrepared(wf);
  if (r.diagnostics.length) io.stdout.write(formatDiagnostics(r.diagnostics, wf) + '\n');
  io.stdout.write(`${r.plan.summary.en}\n${summaryLine(r.diagnostics)}\n`);
  return r.ok ? EXIT.ok : EXIT.graphErrors;
}

export async function decompileCommand(args: string[], io: CliIO): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    io.stderr.write('usage: fooocus-flow decompile <request.json>\n');
    return EXIT.badInput;
  }
  const input = await readInput(file);
  if (!input.ok) {
    io.stderr.write(`${input.message}\n`);
    return EXIT.badInput;
  }
  let json: unknown;
  try {
    json = JSON.parse(input.text);
  } catch (err) {
    io.stderr.write(`${file} is not valid JSON: ${(err as Error).message}\n`);
    return EXIT.badInput;
  }
  const r = decompile(json, file.replace(/^.*\//, '').replace(/\.json$/, ''));
  if (!r.ok) {
    io.stderr.write(`${file} is not a valid FooocusAPI request:\n`);
    for (const e of r.errors) io.stderr.write(`  ${e.path}: ${e.message}\n`);
    return EXIT.badInput;
  }
  io.stdout.write(serializeWorkflow(r.workflow));
  for (const n of r.notes) io.stderr.write(`note: ${n.en}\n`);
  return EXIT.ok;
}
