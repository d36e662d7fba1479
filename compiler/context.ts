/**
 * What every compile step reads: the validated graph, its chain and stages, the settings, the
 * image prompts and where they are wired, the prepared images, the server's catalogue and the
 * diagnostics collected so far. Built once by `compile` and passed to the rules, emit and plan.
 * Its own file so that those steps depend on this shape, not on `compile.ts` (no import cycle).
 */
import type { GraphIndex, Workflow, WorkflowNode } from '../nodes/graph.ts';
import type { KindParams, NodeOf } from '../nodes/params.ts';
import type { DiagnosticList } from './diagnostics.ts';
import type { PreparedImages } from './images.ts';
import type { CompileOptions } from './types.ts';

export interface CompileContext {
  wf: Workflow;
  chain: Chain;
  stages: Stages | null;
  /** The Prompt & Settings params (its schema's defaults when the graph has no such node). */
  settings: KindParams['promptSettings'];
  imagePrompts: NodeOf<'imagePrompt'>[];
  /** The node each image prompt is wired into. */
  imagePromptTargets: Map<string, WorkflowNode>;
  /** The reference image of each image prompt that has one wired in (the others are not sent). */
  imagePromptRefs: Map<string, WorkflowNode>;
  images: PreparedImages;
  catalog: NonNullable<CompileOptions['catalog']>;
  d: DiagnosticList;
}

/** The one chain a request carries (found by `findChain`). */
export interface Chain {
  g: GraphIndex;
  /** Source first, Output last. Empty when no complete chain exists. */
  nodes: WorkflowNode[];
  output?: NodeOf<'output'> | undefined;
  settings?: NodeOf<'promptSettings'> | undefined;
}

/** A Vary or Upscale step. */
export type Uov = NodeOf<'vary' | 'upscale'>;
export type MainStep = NodeOf<'vary' | 'upscale' | 'inpaint'>;
export type Region = NodeOf<'enhanceRegion'>;

export type MainMode = 'text-to-image' | 'uov' | 'inpaint' | 'pass-through';

/** The chain mapped onto FooocusAPI's two stages (by `assignStages`). */
export interface Stages {
  mode: MainMode;
  source: NodeOf<'inputImage' | 'promptSettings'>;
  /** Main-pass image operations (uov and/or inpaint; both = G-3). */
  main: MainStep[];
  /** Stage-B uov step and where it runs. */
  enhanceUov?: { node: Uov; order: 'Before First Enhancement' | 'After Last Enhancement' } | undefined;
  /** Enabled Enhance Region nodes, in chain order. */
  regions: Region[];
  /** Disabled regions on the chain (left out of the request). */
  disabledRegions: Region[];
  /** The main-pass upscale returns its image without diffusion (Fast 2x or > 2800 px): no prompts, N = 1. */
  mainDirectReturn: boolean;
}
