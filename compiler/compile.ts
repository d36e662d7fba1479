/**
 * compile(workflow) → { request, steps, diagnostics, provenance, plan }: flattens a graph into ONE
 * FooocusAPI v3 request (POST /v1/engine/generate/), or, when one request cannot do it all and the
 * workflow says so, into a short sequence of requests (compiler/steps). Pure and synchronous; pixel work (mask size,
 * inversion, image sizes) happens before, in `prepare`, whose results come in as `options.images`.
 *
 * The pipeline, step by step:
 *   1. params as each kind's schema reads them          rules/params.ts
 *   2. wires that do not fit                             rules/wiring.ts
 *   3. the chain, image prompts and the two stages       analyse.ts (chain.ts, stages.ts)
 *   4. the graph rules                                   rules/index.ts (codes: rules/registry.ts)
 *   5. the request, with provenance                      emit/request.ts
 *   6. the plan: mode, stages, image count and sizes     plan.ts
 */
import type { Workflow } from '../nodes/graph.ts';
import { analyse } from './analyse.ts';
import { DiagnosticList } from './diagnostics.ts';
import { emitRequest } from './emit/request.ts';
import type { PreparedImages } from './images.ts';
import { buildPlan } from './plan.ts';
import { GRAPH_RULES } from './rules/index.ts';
import { validatedParams } from './rules/params.ts';
import { checkEdges } from './rules/wiring.ts';
import type { CompileOptions, CompileResult } from './types.ts';
import { compileSteps } from './steps/compile-steps.ts';

export function compile(wf: Workflow, options: CompileOptions = {}): CompileResult {
  return compileSteps(wf, options, compileOneRequest);
}

/** The graph as ONE request, as Fooocus would run it (today's compile; every rule applies). */
export function compileOneRequest(wf: Workflow, options: CompileOptions = {}): CompileResult {
  const d = new DiagnosticList();
  // Null prototype: node ids are user data, and "__proto__" must not find Object.prototype.
  const images: PreparedImages = Object.assign(Object.create(null), options.images);
  const graph: Workflow = { ...wf, nodes: wf.nodes.map((n) => validatedParams(n, d)) };
  checkEdges(graph, d);
  const ctx = analyse(graph, options, images, d);
  for (const rule of GRAPH_RULES) rule(ctx);
  const b = emitRequest(ctx, options.seed);
  const plan = buildPlan(ctx);
  const step = { request: b.request, provenance: b.provenance, plan };
  return { ...step, steps: [step], diagnostics: d.items, ok: !d.hasErrors };
}
