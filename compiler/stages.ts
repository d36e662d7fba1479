/**
 * Maps the chain onto FooocusAPI's fixed two-stage pipeline (fooocus-semantics §5.1, §5.4):
 * stage A (main pass, one of text-to-image / vary-upscale / inpaint / pass-through) and stage B
 * (enhance: [uov before] → regions → [uov after]).
 */
import type { WorkflowNode } from '../nodes/graph.ts';
import { isKind, type NodeOf } from '../nodes/params.ts';
import type { DiagnosticList } from './diagnostics.ts';
import { directReturnBeforeSteps, directReturnMovedToEnhance } from './rules/direct-return.ts';
import { badSource, extraEnhanceUov, inpaintPosition, uovBetweenRegions } from './rules/stage-order.ts';
import { upscaleSize, workerUpscaleMethod } from '../contract/sizes.ts';
import type { Size } from './types.ts';
import type { Region, Stages, Uov } from './context.ts';

export type { Stages } from './context.ts';

const isUov = (n: WorkflowNode): n is Uov => isKind(n, 'vary', 'upscale');

/** The main pass's Inpaint step, if any. */
export const mainInpaint = (s: Stages) => s.main.find((n): n is NodeOf<'inpaint'> => n.kind === 'inpaint');
/** The main pass's Vary/Upscale step, if any. */
export const mainUov = (s: Stages) => s.main.find((n): n is Uov => n.kind !== 'inpaint');

export interface StageInputs {
  chain: WorkflowNode[];
  imageNumber: number;
  /** Nodes that have image prompts wired into them. */
  hasImagePrompts: boolean;
  sizeOf: (nodeId: string) => Size | null;
}

export function assignStages(
  { chain, imageNumber, hasImagePrompts, sizeOf }: StageInputs,
  d: DiagnosticList,
): Stages | null {
  const source = chain[0];
  if (!source) return null;
  if (!isKind(source, 'inputImage', 'promptSettings')) {
    badSource(d, source);
    return null;
  }
  const ops = chain.slice(1, -1);
  const stages: Stages = {
    mode: 'text-to-image',
    source,
    main: [],
    regions: [],
    disabledRegions: [],
    mainDirectReturn: false,
  };
  let rest = ops;

  if (source.kind === 'inputImage') {
    const first = ops[0];
    if (!first || first.kind === 'enhanceRegion') {
      stages.mode = 'pass-through';
    } else if (isKind(first, 'inpaint')) {
      stages.mode = 'inpaint';
      stages.main.push(first);
      rest = ops.slice(1);
    } else if (isUov(first)) {
      if (
        uovRunsInEnhanceStage(
          first,
          ops.slice(1),
          { imageNumber, hasImagePrompts, sizeOf: sizeOf(source.id) },
          d,
        )
      ) {
        stages.mode = 'pass-through';
      } else {
        stages.mode = 'uov';
        stages.main.push(first);
        stages.mainDirectReturn = predictsDirectReturn(first, sizeOf(source.id));
        rest = ops.slice(1);
        // G-3: a main-pass inpaint right after the main-pass uov (the "hodgepodge" example).
        const next = rest[0];
        if (next && isKind(next, 'inpaint')) {
          stages.main.push(next);
          rest = rest.slice(1);
        }
      }
    }
  }

  // Stage B: [uov] regions [uov], one uov at most.
  const uovs = rest.filter(isUov);
  for (const n of rest) {
    if (n.kind === 'inpaint') {
      inpaintPosition(d, n, stages.mode === 'text-to-image');
    }
  }
  if (uovs.length > 1) {
    for (const n of uovs.slice(1)) {
      extraEnhanceUov(d, n);
    }
  }
  const regionsAll = rest.filter((n): n is Region => isKind(n, 'enhanceRegion'));
  const uov = uovs[0];
  if (uov) {
    const idx = rest.indexOf(uov);
    const regionsBefore = rest.slice(0, idx).some((n) => n.kind === 'enhanceRegion');
    const regionsAfter = rest.slice(idx + 1).some((n) => n.kind === 'enhanceRegion');
    if (regionsBefore && regionsAfter) {
      uovBetweenRegions(d, uov);
    }
    // With no regions, "After" is the safe order: "Before" with zero regions persists nothing (G-21).
    stages.enhanceUov = {
      node: uov,
      order: regionsBefore || !regionsAfter ? 'After Last Enhancement' : 'Before First Enhancement',
    };
  }
  stages.regions = regionsAll.filter((n) => n.params.enabled !== false);
  stages.disabledRegions = regionsAll.filter((n) => n.params.enabled === false);
  return stages;
}

/**
 * Does a Vary/Upscale directly after the Input Image run in the enhance stage? Explicit choice wins;
 * "auto" picks the enhance stage when regions follow and the main pass would add nothing (one
 * image, no image prompts: the documented enhance example), and for a direct-return upscale that
 * has steps after it (G-9: the main pass would return before them).
 */
function uovRunsInEnhanceStage(
  uov: Uov,
  after: WorkflowNode[],
  ctx: { imageNumber: number; hasImagePrompts: boolean; sizeOf: Size | null },
  d: DiagnosticList,
): boolean {
  const runIn = uov.params.runIn;
  const directReturn = predictsDirectReturn(uov, ctx.sizeOf);
  if (directReturn && after.length > 0) {
    if (runIn === 'main') {
      directReturnBeforeSteps(d, uov);
      return false;
    }
    if (runIn === 'auto') {
      directReturnMovedToEnhance(d, uov);
      return true;
    }
  }
  if (runIn === 'enhance') return true;
  if (runIn === 'main') return false;
  return (
    after.length > 0 &&
    after.every((n) => n.kind === 'enhanceRegion' || n.kind === 'output') &&
    after.some((n) => n.kind === 'enhanceRegion') &&
    ctx.imageNumber === 1 &&
    !ctx.hasImagePrompts
  );
}

export function predictsDirectReturn(uov: Uov, input: Size | null): boolean {
  if (uov.kind !== 'upscale') return false;
  const { method, factor } = uov.params;
  if (method === 'Upscale (Fast 2x)') return true;
  if (!input) return false;
  return upscaleSize(input, workerUpscaleMethod(method, factor)).directReturn;
}
