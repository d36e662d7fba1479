import type { LocalText } from '../nodes/types.ts';
import type { FooocusRequest } from '../contract/fields.ts';
import type { PreparedImages } from './images.ts';

export type Severity = 'error' | 'warning' | 'info';

/**
 * One problem found in a graph, attached to the node that causes it (and the field, when one field
 * is at fault). `message` says what Fooocus would do and what to do about it, in both languages.
 */
export interface Diagnostic {
  severity: Severity;
  /** Stable code: a G-rule of fooocus-semantics §4 ("G-3") or a structural one ("S-cycle"). */
  code: string;
  nodeId?: string | undefined;
  field?: string | undefined;
  message: LocalText;
  fix?: DiagnosticFix | undefined;
}

/** A one-click repair the editor can apply: a list of plain graph edits. */
export interface DiagnosticFix {
  label: LocalText;
  edits: GraphEdit[];
}

export type GraphEdit =
  | { op: 'setParam'; nodeId: string; param: string; value: unknown }
  /** A workflow setting ("When one request cannot do it all"). */
  | { op: 'setOverflow'; value: 'steps' | 'one-request' }
  | { op: 'removeEdge'; edgeId: string }
  | { op: 'removeNode'; nodeId: string };

/** Where a request field came from: `controlnet_image.0.cn_weight` → the Image Prompt node and its param. */
export interface ProvenanceEntry {
  nodeId: string;
  param?: string | undefined;
}
export type Provenance = Record<string, ProvenanceEntry[]>;

/** The mode FooocusAPI will pick (its `current_tab`), plus text-to-image for "no image at all". */
export type ServerMode = 'text-to-image' | 'uov' | 'inpaint' | 'image-prompt' | 'enhance';

export interface PlanStage {
  /** 'main' = the main pass (once per image_number), 'enhance' = stage B, per image. */
  stage: 'main' | 'enhance';
  nodeId: string;
  /** Short description, e.g. "Vary (Strong)" or "Enhance region #2: mouth". */
  label: LocalText;
}

export interface Size {
  width: number;
  height: number;
}

export interface Plan {
  mode: ServerMode;
  stages: PlanStage[];
  /** Predicted number of result images (upper bound when regions may find nothing). */
  images: { count: number; min: number; caveat?: LocalText | undefined };
  /** Predicted output size per image-flow node; null when an input size is unknown. */
  sizes: Record<string, Size | null>;
  /** Plain-words summary of the whole plan. */
  summary: LocalText;
}

/** The request fields that can take the previous step's result image (compiler/steps). */
export type StepInputField = 'uov_input_image' | 'inpaint_input_image' | 'enhance_input_image';

/**
 * One request of a graph that runs as a sequence (compiler/steps). From the second step on, `input`
 * says which field takes each result image of the step before (the request holds a placeholder
 * there, `stepResultRef`) and why the graph is cut at this step's first node.
 */
export interface CompiledStep {
  request: FooocusRequest;
  provenance: Provenance;
  plan: Plan;
  input?:
    | {
        fromStep: number;
        field: StepInputField;
        /** The node where this step starts. */
        nodeId: string;
        reason: LocalText;
      }
    | undefined;
}

export interface CompileResult {
  /**
   * The request to send: the only one for a graph that fits one request; the first step's otherwise
   * (then `steps` has them all).
   */
  request: FooocusRequest;
  /** One entry per request, in run order: `[{request, provenance, plan}]` for a one-request graph. */
  steps: CompiledStep[];
  diagnostics: Diagnostic[];
  provenance: Provenance;
  plan: Plan;
  /** True when no diagnostic is an error: the request may be sent. */
  ok: boolean;
}

export interface CompileOptions {
  /** Images measured and fitted by `prepare` (node id → data and size); without them params are used as is. */
  images?: PreparedImages | undefined;
  /**
   * Seed to use when the workflow asks for a random one (-1). Runs pass a fresh random seed; without
   * one the compiler derives a stable seed from the workflow, so compile stays pure.
   */
  seed?: number | undefined;
  /**
   * What the server has installed (from its /v1/engines endpoints). Unknown names make the worker
   * fail with an empty result, so they are errors. Styles default to a stock install's list; models
   * and LoRAs are only checked when given.
   */
  catalog?: { styles?: readonly string[]; models?: readonly string[]; loras?: readonly string[] } | undefined;
}
