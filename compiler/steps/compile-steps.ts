/**
 * Compile to steps: a graph that one FooocusAPI request cannot carry (fooocus-semantics §5.5:
 * Vary/Upscale → Inpaint, Inpaint → Inpaint, Outpaint → Inpaint, Fast 2x → Enhance, a fourth
 * Enhance Region, a Vary/Upscale between regions, an image prompt on a later step) runs as a short
 * sequence of requests, each step's result images becoming the next step's input.
 *
 * - A graph that fits one request compiles to exactly the one request it always did.
 * - Otherwise the chain is cut at the fewest places: each step takes as many of the chain's steps
 *   as it can without a "cannot do it in one request" problem that its nodes would not have on
 *   their own (greedy longest prefix: a part of a request that fits also fits).
 * - Each step's request is compiled, and so checked, by every rule (`compileOne`); the cut is
 *   explained on the node where the new step starts.
 * - With the workflow set to "one request, as Fooocus would" the one request is kept, and each
 *   problem a cut would solve offers the fix "Run as steps".
 */
import { t } from '../../nodes/field.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { findChain, type Chain } from '../chain.ts';
import { DiagnosticList } from '../diagnostics.ts';
import type {
  CompiledStep,
  CompileOptions,
  CompileResult,
  Diagnostic,
  DiagnosticFix,
  Provenance,
} from '../types.ts';
import { cutReason, isCutProblem, problemKey } from './cut-reasons.ts';
import { planThroughSteps } from './plan-steps.ts';
import { segmentWorkflow, type SegmentWorkflow } from './segment-workflow.ts';
import { stepInputField } from './step-ref.ts';

export type CompileOne = (wf: Workflow, options: CompileOptions) => CompileResult;

/** Structural problems of the whole graph that no single step can see. */
const WHOLE_GRAPH_CODES = new Set(['S-cycle', 'S-branch', 'S-two-outputs', 'S-bad-wire', 'S-two-wires']);

export const RUN_AS_STEPS: DiagnosticFix = {
  label: t('Run as steps', '分步运行'),
  edits: [{ op: 'setOverflow', value: 'steps' }],
};

export function compileSteps(wf: Workflow, options: CompileOptions, compileOne: CompileOne): CompileResult {
  const one = compileOne(wf, options);
  if (!one.diagnostics.some(isCutProblem)) return one;
  const chain = findChain(wf, new DiagnosticList());
  if (chain.nodes.length < 4 || one.diagnostics.some((d) => WHOLE_GRAPH_CODES.has(d.code))) return one;
  const cut = cutChain(wf, chain, options, compileOne, one);
  if (!cut) return one;
  if ((wf.overflow ?? 'one-request') === 'one-request') return withRunAsSteps(one, cut.solved);
  return assemble(one, cut);
}

interface CompiledSegment {
  seg: SegmentWorkflow;
  result: CompileResult;
  first: number;
  last: number;
  /** The problem that ended the previous step here (later steps). */
  reason?: Diagnostic | undefined;
}

interface Cut {
  segments: CompiledSegment[];
  /** Problems of the one request that the steps do not have. */
  solved: Set<string>;
}

function cutChain(
  wf: Workflow,
  chain: Chain,
  options: CompileOptions,
  compileOne: CompileOne,
  one: CompileResult,
): Cut | null {
  const lastOp = chain.nodes.length - 2;
  const seed = typeof one.request.image_seed === 'number' ? one.request.image_seed : options.seed;
  const images = options.images ?? {};
  const segments: CompiledSegment[] = [];
  const compileSegment = (step: number, first: number, last: number): CompiledSegment => {
    const prev = segments[step - 1];
    const inputSize = prev ? (prev.result.plan.sizes[chain.nodes[prev.last]!.id] ?? null) : null;
    const seg = segmentWorkflow(wf, chain, { step, first, last, inputSize, seed }, images);
    const result = compileOne(seg.workflow, { ...options, seed, images: seg.images });
    return { seg, result, first, last };
  };
  const problems = (s: CompiledSegment) =>
    new Map(s.result.diagnostics.filter(isCutProblem).map((d) => [problemKey(d), d]));

  let first = 1;
  let reason: Diagnostic | undefined;
  if (chain.nodes[0]!.kind === 'promptSettings') {
    // Text-to-image whose first operation needs a main pass of its own: step 1 only generates.
    const had = problems(compileSegment(0, 1, 1));
    const alone = problems(compileSegment(1, 1, 1));
    const fresh = [...had].find(([k]) => !alone.has(k));
    if (fresh) {
      segments.push({ ...compileSegment(0, 1, 0) });
      reason = fresh[1];
    }
  }
  while (first <= lastOp) {
    const step = segments.length;
    let best: CompiledSegment = { ...compileSegment(step, first, first), reason };
    reason = undefined;
    for (let last = first + 1; last <= lastOp; last++) {
      const longer = compileSegment(step, first, last);
      // Extending by one node must not bring a problem that node does not have on its own.
      const alone = problems(compileSegment(step + 1, last, last));
      const had = problems(best);
      const fresh = [...problems(longer)].find(([k]) => !had.has(k) && !alone.has(k));
      if (fresh) {
        reason = fresh[1];
        break;
      }
      best = { ...longer, reason: best.reason };
    }
    segments.push(best);
    first = best.last + 1;
  }
  if (segments.length < 2) return null;
  const after = new Set(segments.flatMap((s) => s.result.diagnostics.filter(isCutProblem).map(problemKey)));
  const solved = new Set(
    one.diagnostics
      .filter(isCutProblem)
      .map(problemKey)
      .filter((k) => !after.has(k)),
  );
  return { segments, solved };
}

/** One request kept: each problem that running as steps would solve offers that as its fix. */
function withRunAsSteps(one: CompileResult, solved: Set<string>): CompileResult {
  const diagnostics = one.diagnostics.map((d) =>
    isCutProblem(d) && solved.has(problemKey(d)) && (!d.fix || d.code === 'G-16')
      ? { ...d, fix: RUN_AS_STEPS }
      : d,
  );
  return { ...one, diagnostics };
}

function assemble(one: CompileResult, cut: Cut): CompileResult {
  const used = new Set(cut.segments.flatMap((s) => [...s.seg.nodeIds]));
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const push = (d: Diagnostic) => {
    const key = `${d.severity}\u0000${d.code}\u0000${d.nodeId ?? ''}\u0000${d.field ?? ''}\u0000${d.message.en}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push(d);
  };
  // What only the whole graph shows: wires and nodes no step uses.
  for (const d of one.diagnostics) {
    if (WHOLE_GRAPH_CODES.has(d.code) || d.nodeId === undefined || !used.has(d.nodeId)) push(d);
  }
  const steps: CompiledStep[] = cut.segments.map((s, i) => {
    const startId =
      i > 0 ? s.seg.workflow.edges.find((e) => e.source === s.seg.standInId)?.target : undefined;
    const prev = i > 0 ? cut.segments[i - 1]! : undefined;
    const prevLastId = prev ? lastOpOf(prev) : undefined;
    for (const d of s.result.diagnostics) {
      push(s.seg.standInId && d.nodeId === s.seg.standInId ? { ...d, nodeId: startId } : d);
    }
    const step: CompiledStep = {
      request: s.result.request,
      provenance: mapProvenance(s.result.provenance, s.seg.standInId, prevLastId),
      plan: withoutNode(s.result.plan, s.seg.standInId),
    };
    if (prev && startId) {
      const startNode = s.seg.workflow.nodes.find((n) => n.id === startId)!;
      const before = prev.seg.workflow.nodes.find((n) => n.id === prevLastId);
      const why = s.reason ?? one.diagnostics.find(isCutProblem)!;
      const reason = cutReason(i, startNode, before, why);
      const field = stepInputField(step);
      if (field) step.input = { fromStep: i - 1, field, nodeId: startId, reason };
      push({ severity: 'info', code: 'S-step', nodeId: startId, message: reason });
    }
    return step;
  });
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return {
    request: steps[0]!.request,
    provenance: steps[0]!.provenance,
    steps,
    diagnostics,
    plan: planThroughSteps(steps, lastOutputFinalOnly(cut)),
    ok,
  };
}

/** The step's last image operation (the node wired into Output). */
function lastOpOf(s: CompiledSegment): string {
  const out = s.seg.workflow.nodes.find((n) => n.kind === 'output')!;
  return s.seg.workflow.edges.find((e) => e.target === out.id && e.targetHandle === 'image')!.source;
}

function lastOutputFinalOnly(cut: Cut): boolean {
  const out = cut.segments[0]!.seg.workflow.nodes.find((n) => n.kind === 'output');
  return out?.params.save_final_enhanced_image_only === true;
}

/** Fields from the stand-in source came from the node that made the previous step's result. */
function mapProvenance(p: Provenance, standIn: string | undefined, prevLast: string | undefined): Provenance {
  if (!standIn) return p;
  const out: Provenance = {};
  for (const [field, entries] of Object.entries(p)) {
    out[field] = entries.map((e) =>
      e.nodeId === standIn ? (prevLast ? { nodeId: prevLast } : { nodeId: e.nodeId }) : e,
    );
  }
  return out;
}

function withoutNode(plan: CompileResult['plan'], id: string | undefined): CompileResult['plan'] {
  if (!id) return plan;
  const sizes = Object.assign(Object.create(null), plan.sizes) as typeof plan.sizes;
  delete sizes[id];
  return { ...plan, sizes };
}
