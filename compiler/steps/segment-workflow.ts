/**
 * One step of a cut graph as a workflow of its own: the step's image operations between a source
 * and the Output, with the side inputs (image prompts, masks, their images) wired into them and the
 * one Prompt & Settings node. From the second step on the source is a stand-in Input Image whose
 * image is the previous step's result (`stepResultRef`), measured as the plan predicts; each image
 * then continues alone (image_number 1, the first step's seed).
 */
import type { Workflow, WorkflowEdge, WorkflowNode } from '../../nodes/graph.ts';
import type { Chain } from '../chain.ts';
import type { PreparedImages } from '../images.ts';
import type { Size } from '../types.ts';
import { stepResultRef } from './step-ref.ts';

export interface SegmentSpec {
  /** 0-based step number. */
  step: number;
  /** Indexes into `chain.nodes` of the step's first and last image operation. */
  first: number;
  last: number;
  /** Predicted size of the previous step's result (later steps only). */
  inputSize: Size | null;
  /** The first step's seed, shared by every later step. */
  seed: number | undefined;
}

export interface SegmentWorkflow {
  workflow: Workflow;
  /** Prepared images with the stand-in source's placeholder added. */
  images: PreparedImages;
  /** The stand-in source's id (later steps), to map its diagnostics and provenance back. */
  standInId: string | undefined;
  /** Every node of the original graph the step uses. */
  nodeIds: Set<string>;
}

export function standInId(step: number): string {
  return `step-${step + 1}-input`;
}

export function segmentWorkflow(
  wf: Workflow,
  chain: Chain,
  spec: SegmentSpec,
  images: PreparedImages,
): SegmentWorkflow {
  const g = chain.g;
  const ops = chain.nodes.slice(spec.first, spec.last + 1);
  const output = chain.nodes[chain.nodes.length - 1]!;
  const nodes: WorkflowNode[] = [];
  const edges: WorkflowEdge[] = [];
  const ids = new Set<string>();
  const edgeIds = new Set<string>();
  const wire = (e: WorkflowEdge) => {
    if (edgeIds.has(e.id)) return;
    edgeIds.add(e.id);
    edges.push(e);
  };
  const add = (n: WorkflowNode) => {
    if (ids.has(n.id)) return;
    ids.add(n.id);
    nodes.push(n);
  };
  const prepared: PreparedImages = Object.assign(Object.create(null), images);

  let source: WorkflowNode;
  let standIn: string | undefined;
  if (spec.step === 0) {
    source = chain.nodes[0]!;
  } else {
    standIn = standInId(spec.step);
    source = {
      id: standIn,
      kind: 'inputImage',
      kindVersion: 1,
      label: `Result of step ${spec.step}`,
      params: { image: '', width: null, height: null },
      position: ops[0]!.position,
    };
    // A 0×0 prepared size means "not known before the previous step has run" (images.ts).
    prepared[standIn] = {
      data: stepResultRef(spec.step - 1),
      width: spec.inputSize?.width ?? 0,
      height: spec.inputSize?.height ?? 0,
    };
  }
  add(source);
  for (const n of ops) add(n);
  add(output);

  // The image chain: source → ops → Output, reusing the original wires where they exist.
  const chainIds = [source.id, ...ops.map((n) => n.id), output.id];
  for (let i = 1; i < chainIds.length; i++) {
    const from = chainIds[i - 1]!;
    const to = chainIds[i]!;
    const original = (g.incoming.get(to) ?? []).find((e) => e.targetHandle === 'image' && e.source === from);
    wire(
      original ?? {
        id: `step-${spec.step + 1}-wire-${i}`,
        source: from,
        sourceHandle: 'image',
        target: to,
        targetHandle: 'image',
      },
    );
  }

  // Prompt & Settings: one per request. Later steps run each image alone, with the first seed.
  const settings = chain.settings;
  if (settings && settings.id !== source.id) {
    add(
      spec.step === 0
        ? settings
        : {
            ...settings,
            params: {
              ...settings.params,
              image_number: 1,
              ...(spec.seed !== undefined ? { image_seed: spec.seed } : {}),
            },
          },
    );
  }

  // Side inputs of the step's nodes (image prompts into Prompt & Settings belong to the first step).
  const targets = [...ops, ...(spec.step === 0 && settings ? [settings] : [])];
  const sideEdge = (e: WorkflowEdge) => {
    const from = g.node.get(e.source);
    if (!from) return;
    add(from);
    wire(e);
    for (const inner of g.incoming.get(from.id) ?? []) {
      // A mask drawn on the original image still fits a later step's image (fitted at run time).
      if (spec.step > 0 && from.kind === 'mask' && inner.targetHandle === 'image') continue;
      const ref = g.node.get(inner.source);
      if (!ref) continue;
      add(ref);
      wire(inner);
    }
  };
  for (const n of targets) {
    for (const e of g.incoming.get(n.id) ?? []) {
      if (e.targetHandle === 'imagePrompts' || e.targetHandle === 'mask') sideEdge(e);
    }
  }

  const nodeIds = new Set([...ids].filter((id) => id !== standIn));
  return {
    workflow: { ...wf, nodes, edges },
    images: prepared,
    standInId: standIn,
    nodeIds,
  };
}
