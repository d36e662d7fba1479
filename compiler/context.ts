/**
 * What every compile step reads: the validated graph, its chain and stages, the settings, the
 * image prompts and where they are wired, the prepared images, the server's catalogue and the
 * diagnostics collected so far. Built once by `compile` and passed to the rules, emit and plan.
 * Its own file so that those steps depend on this shape, not on `compile.ts` (no import cycle).
 */
import type { Workflow, WorkflowNode } from '../nodes/graph.ts';
import type { KindParams, NodeOf } from '../nodes/params.ts';
import type { Chain } from './chain.ts';
import type { DiagnosticList } from './diagnostics.ts';
import type { PreparedImages } from './images.ts';
import type { Stages } from './stages.ts';
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
