/**
 * The graph rules, in the order compile runs them, one topic per file. Each reads the compile
 * context and reports on the node (and field) at fault; `registry.ts` says which file owns which code.
 * The rules that need the chain's shape before it exists (wiring, chain shape, stage order) are
 * raised by `findChain` and `assignStages` through their owners' functions.
 */
import type { CompileContext } from '../context.ts';
import { checkCatalogNames } from './catalog.ts';
import { checkLeftOut } from './chain-shape.ts';
import { checkDebugFlags } from './debug-flags.ts';
import { checkDirectReturn } from './direct-return.ts';
import { checkImageCount } from './image-count.ts';
import { checkImageInputs } from './image-inputs.ts';
import { checkImagePrompts } from './image-prompts.ts';
import { checkInpaint } from './inpaint.ts';
import { checkMainPassMix } from './main-pass.ts';
import { checkRegions } from './regions.ts';
import { checkSharedStrengths } from './shared-fields.ts';
import { checkSkippedSteps } from './skipped-steps.ts';
import { checkUov } from './uov.ts';

export const GRAPH_RULES: readonly ((ctx: CompileContext) => void)[] = [
  checkImageInputs,
  checkLeftOut,
  checkImageCount,
  checkDebugFlags,
  checkCatalogNames,
  checkSkippedSteps,
  checkUov,
  checkDirectReturn,
  checkSharedStrengths,
  checkMainPassMix,
  checkInpaint,
  checkImagePrompts,
  checkRegions,
];
