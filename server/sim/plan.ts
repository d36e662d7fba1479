/**
 * What the Fooocus worker would do with one prepared request (fooocus-semantics.md §1.2, §1.5, §2):
 * which main pass runs at which size and step count, how many images it makes, the enhance chain,
 * and the worker failures that end a task as "finished" with no (or fewer) images (contract §7.6).
 */
import {
  INPAINT_ENGINES,
  OUTPUT_FORMATS,
  REFINER_SWAP_METHODS,
  SAMPLERS,
  SCHEDULERS,
  STEPS,
  ENHANCE_TABS,
  ENHANCE_UOV_ORDERS,
} from '../../contract/enums.ts';
import { DETECTABLE_WORDS, STYLE_NAMES } from './catalog.ts';
import type { DecodedImage } from './images.ts';
import { maskHasPaint } from './images.ts';
import type { PreparedTask, SimRequest } from './prepare.ts';
import {
  outpaintPadding,
  padSize,
  parseAspect,
  upscaleSize,
  varySize,
  type Padding,
  type Size,
  workerUpscaleMethod,
} from '../../contract/sizes.ts';

export type MainKind = 't2i' | 'vary' | 'upscale' | 'inpaint';

export interface MainPass {
  kind: MainKind;
  /** The image the pass starts from (uov or inpaint image); null for text-to-image. */
  source: DecodedImage | null;
  mask: DecodedImage | null;
  padding: Padding | null;
  size: Size;
  /** Sampling steps per image; 0 = no diffusion (direct-return upscale). */
  steps: number;
  count: number;
  /** Fast 2x or an upscale over 2800 px: one SR image, and the run ends there. */
  directReturn: boolean;
}

export interface RegionStep {
  /** 1-based position among the enabled items, for messages. */
  index: number;
  dinoPrompt: string;
  detected: boolean;
  /** A bad `enhance_inpaint_engine` makes the worker crash when this region runs. */
  crashes: boolean;
}

export interface EnhancePlan {
  uovMethod: string | null;
  uovBefore: boolean;
  uovAfter: boolean;
  regions: RegionStep[];
  /** Regions plus the uov tab when the method is not Disabled (even if the order string is invalid). */
  activeTabs: number;
  finalOnly: boolean;
}

export interface RunPlan {
  /** A worker crash before the first image: the task finishes with an empty result. */
  failure: string | null;
  controlNets: boolean;
  main: MainPass | null;
  /** Images the enhance stage starts from in enhance-input mode. */
  enhanceInput: DecodedImage | null;
  enhance: EnhancePlan | null;
  normalSteps: number;
  uovSteps: number;
  /** Main images go to the temp folder (dropped from results) when the enhance stage keeps finals only. */
  persistMain: boolean;
}

const DISABLED = 'Disabled';

export function isDetected(prompt: string): boolean {
  return prompt
    .split(/[,.]/)
    .map((p) => p.trim().toLowerCase())
    .some((p) => DETECTABLE_WORDS.includes(p));
}

function stepCounts(req: SimRequest): { normal: number; uov: number } {
  const base = STEPS[req.performance_selection];
  if (req.overwrite_step > 0) return { normal: req.overwrite_step, uov: req.overwrite_step };
  return base;
}

/** `Upscale (Custom)` reaches the worker as `Upscale (<upscale_multiple>x)` (Python str of the float). */
export function effectiveUovMethod(req: SimRequest): string {
  return workerUpscaleMethod(req.uov_method, req.upscale_multiple);
}

function commonFailure(req: SimRequest, models: readonly string[]): string | null {
  if (!parseAspect(req.aspect_ratios_selection.replace(/\*/g, '×')))
    return `bad aspect ratio ${JSON.stringify(req.aspect_ratios_selection)}`;
  if (!models.includes(req.base_model_name)) return `base model ${req.base_model_name} not found`;
  if (req.refiner_model_name !== 'None' && !models.includes(req.refiner_model_name))
    return `refiner model ${req.refiner_model_name} not found`;
  if (!(REFINER_SWAP_METHODS as readonly string[]).includes(req.refiner_swap_method))
    return `bad refiner_swap_method ${req.refiner_swap_method}`;
  if (![...OUTPUT_FORMATS, 'jpg'].includes(req.output_format))
    return `unknown output format ${req.output_format}`;
  return null;
}

function diffusionFailure(req: SimRequest): string | null {
  const unknown = req.style_selections.find((s) => !STYLE_NAMES.includes(s));
  if (unknown !== undefined) return `unknown style ${unknown}`;
  if (!(SAMPLERS as readonly string[]).includes(req.sampler_name))
    return `unknown sampler ${req.sampler_name}`;
  if (!(SCHEDULERS as readonly string[]).includes(req.scheduler_name))
    return `unknown scheduler ${req.scheduler_name}`;
  return null;
}

function planEnhance(req: SimRequest): EnhancePlan | null {
  if (!req.enhance_checkbox) return null;
  // The worker reads exactly 3 groups; AsyncTask keeps only the enabled ones.
  const enabled = req.enhance_ctrls.slice(0, ENHANCE_TABS).filter((c) => c.enhance_enabled);
  const regions = enabled.map((c, i) => ({
    index: i + 1,
    dinoPrompt: c.enhance_mask_dino_prompt,
    detected: c.enhance_mask_model !== 'sam' || isDetected(c.enhance_mask_dino_prompt),
    crashes: !(INPAINT_ENGINES as readonly string[]).includes(c.enhance_inpaint_engine),
  }));
  const hasUov = req.enhance_uov_method !== DISABLED;
  return {
    uovMethod: hasUov ? req.enhance_uov_method : null,
    uovBefore: hasUov && req.enhance_uov_processing_order === ENHANCE_UOV_ORDERS[0],
    uovAfter: hasUov && req.enhance_uov_processing_order === ENHANCE_UOV_ORDERS[1],
    regions,
    activeTabs: regions.length + (hasUov ? 1 : 0),
    finalOnly: req.save_final_enhanced_image_only,
  };
}

export async function planRun(task: PreparedTask, models: readonly string[]): Promise<RunPlan> {
  const req = task.request;
  const { tab, images } = task;
  const steps = stepCounts(req);
  const enhance = planEnhance(req);
  const plan: RunPlan = {
    failure: commonFailure(req, models),
    controlNets:
      tab === 'ip' || req.mixing_image_prompt_and_vary_upscale || req.mixing_image_prompt_and_inpaint,
    main: null,
    enhanceInput: null,
    enhance,
    normalSteps: steps.normal,
    uovSteps: steps.uov,
    // should_enhance is true whenever the checkbox is (G-20), whatever is enabled.
    persistMain: !(enhance && enhance.finalOnly),
  };
  if (plan.failure) return plan;

  if (tab === 'enhance') {
    plan.enhanceInput = images.enhance;
    if (enhance) plan.failure = diffusionFailure(req);
    return plan;
  }

  const uovMethod = effectiveUovMethod(req);
  const uovGoal =
    (tab === 'uov' || (tab === 'ip' && req.mixing_image_prompt_and_vary_upscale)) &&
    req.uov_method !== DISABLED &&
    images.uov !== null;
  const inpaintBranch = tab === 'inpaint' || (tab === 'ip' && req.mixing_image_prompt_and_inpaint);
  let inpaintGoal = false;
  if (inpaintBranch) {
    if (!images.inpaint) {
      plan.failure = 'inpaint branch without an inpaint image';
      return plan;
    }
    if (
      images.mask &&
      (images.mask.width !== images.inpaint.width || images.mask.height !== images.inpaint.height)
    ) {
      plan.failure = 'mask size differs from the inpaint image';
      return plan;
    }
    inpaintGoal =
      req.outpaint_selections.length > 0 || (images.mask !== null && (await maskHasPaint(images.mask)));
    if (inpaintGoal && !(INPAINT_ENGINES as readonly string[]).includes(req.inpaint_engine)) {
      plan.failure = `bad inpaint engine ${req.inpaint_engine}`;
      return plan;
    }
  }

  const aspect = parseAspect(req.aspect_ratios_selection.replace(/\*/g, '×'))!;
  let main: MainPass = {
    kind: 't2i',
    source: null,
    mask: null,
    padding: null,
    size: {
      width: req.overwrite_width > 0 ? req.overwrite_width : aspect.width,
      height: req.overwrite_height > 0 ? req.overwrite_height : aspect.height,
    },
    steps: steps.normal,
    count: req.image_number,
    directReturn: false,
  };
  if (uovGoal && images.uov) {
    const isVary = uovMethod.toLowerCase().includes('vary');
    if (isVary) main = { ...main, kind: 'vary', source: images.uov, size: varySize(images.uov) };
    else {
      const up = upscaleSize(images.uov, uovMethod);
      main = { ...main, kind: 'upscale', source: images.uov, size: up, steps: steps.uov };
      if (up.directReturn) main = { ...main, steps: 0, count: 1, directReturn: true };
    }
  }
  if (inpaintGoal && images.inpaint && !main.directReturn) {
    // A vary/upscale before it only costs a VAE encode: inpaint overwrites latent and size (§1.6).
    // More than 3 enhance items shift the worker's argument list so outpaint distances fall back to 30 %.
    const distances = req.enhance_ctrls.length > ENHANCE_TABS ? null : req.outpaint_distance;
    const padding = outpaintPadding(images.inpaint, req.outpaint_selections, distances);
    main = {
      ...main,
      kind: 'inpaint',
      source: images.inpaint,
      mask: images.mask,
      padding,
      size: padSize(images.inpaint, padding),
    };
  }
  plan.main = main;
  if (!main.directReturn) plan.failure = diffusionFailure(req);
  if (!plan.failure && req.debugging_inpaint_preprocessor && main.kind === 'inpaint')
    plan.failure = 'debugging_inpaint_preprocessor returns only previews';
  if (!plan.failure && req.debugging_cn_preprocessor && plan.controlNets)
    plan.failure = 'debugging_cn_preprocessor returns only previews';
  return plan;
}
