/**
 * Value lists of FooocusAPI v3 / Fooocus 2.5 (shared/docs/fooocusapi-contract.md §3, Appendix B).
 * "checked" lists are enforced by the server with a 422; the others are free strings the server
 * accepts but the worker rejects later (finished with an empty result), so we validate them ourselves.
 */
export const PERFORMANCES = ['Quality', 'Speed', 'Extreme Speed', 'Lightning', 'Hyper-SD'] as const;
export const UOV_METHODS = [
  'Disabled',
  'Vary (Subtle)',
  'Vary (Strong)',
  'Upscale (1.5x)',
  'Upscale (2x)',
  'Upscale (Fast 2x)',
  'Upscale (Custom)',
] as const;
export const CN_TYPES = ['ImagePrompt', 'FaceSwap', 'PyraCanny', 'CPDS'] as const;
export const MASK_MODELS = [
  'u2net',
  'u2netp',
  'u2net_human_seg',
  'u2net_cloth_seg',
  'silueta',
  'isnet-general-use',
  'isnet-anime',
  'sam',
] as const;
export const OUTPAINT_DIRECTIONS = ['Left', 'Right', 'Top', 'Bottom'] as const;
export const METADATA_SCHEMES = ['fooocus', 'a1111'] as const;

// Free strings on the server, exact lists in the worker.
export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
export const INPAINT_ENGINES = ['None', 'v1', 'v2.5', 'v2.6'] as const;
export const CLOTH_CATEGORIES = ['full', 'upper', 'lower'] as const;
export const SAM_MODELS = ['vit_b', 'vit_l', 'vit_h'] as const;
export const ENHANCE_UOV_ORDERS = ['Before First Enhancement', 'After Last Enhancement'] as const;
export const ENHANCE_UOV_PROMPT_TYPES = ['Original Prompts', 'Last Filled Enhancement Prompts'] as const;
export const REFINER_SWAP_METHODS = ['joint', 'separate', 'vae'] as const;
export const SAMPLERS = [
  'euler',
  'euler_ancestral',
  'heun',
  'heunpp2',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpm_fast',
  'dpm_adaptive',
  'dpmpp_2s_ancestral',
  'dpmpp_sde',
  'dpmpp_sde_gpu',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'dpmpp_2m_sde_gpu',
  'dpmpp_3m_sde',
  'dpmpp_3m_sde_gpu',
  'ddpm',
  'lcm',
  'tcd',
  'restart',
  'ddim',
  'uni_pc',
  'uni_pc_bh2',
] as const;
export const SCHEDULERS = [
  'normal',
  'karras',
  'exponential',
  'sgm_uniform',
  'simple',
  'ddim_uniform',
  'lcm',
  'turbo',
  'align_your_steps',
  'tcd',
  'edm_playground_v2.5',
] as const;
export const ASPECT_RATIOS = [
  '704*1408',
  '704*1344',
  '768*1344',
  '768*1280',
  '832*1216',
  '832*1152',
  '896*1152',
  '896*1088',
  '960*1088',
  '960*1024',
  '1024*1024',
  '1024*960',
  '1088*960',
  '1088*896',
  '1152*896',
  '1152*832',
  '1216*832',
  '1280*768',
  '1344*768',
  '1344*704',
  '1408*704',
  '1472*704',
  '1536*640',
  '1600*640',
  '1664*576',
  '1728*576',
] as const;

/** Stock style names; the full list of 279 comes from the server's /v1/engines/styles. */
export const DEFAULT_STYLES = ['Fooocus V2', 'Fooocus Enhance', 'Fooocus Sharp'] as const;
export const DEFAULT_BASE_MODEL = 'juggernautXL_v8Rundiffusion.safetensors';
export const DEFAULT_LORAS = [
  { enabled: true, model_name: 'sd_xl_offset_example-lora_1.0.safetensors', weight: 0.1 },
  { enabled: true, model_name: 'None', weight: 1.0 },
  { enabled: true, model_name: 'None', weight: 1.0 },
  { enabled: true, model_name: 'None', weight: 1.0 },
  { enabled: true, model_name: 'None', weight: 1.0 },
] as const;

/** Fooocus UI per-type (stop, weight) defaults (flags.default_parameters); the API's own is 0.6/0.6. */
export const CN_TYPE_DEFAULTS: Record<(typeof CN_TYPES)[number], { stop: number; weight: number }> = {
  ImagePrompt: { stop: 0.5, weight: 0.6 },
  FaceSwap: { stop: 0.9, weight: 0.75 },
  PyraCanny: { stop: 0.5, weight: 1.0 },
  CPDS: { stop: 0.5, weight: 1.0 },
};

/** Steps per performance (flags.Steps / flags.StepsUOV). */
export const STEPS: Record<(typeof PERFORMANCES)[number], { normal: number; uov: number }> = {
  Quality: { normal: 60, uov: 36 },
  Speed: { normal: 30, uov: 18 },
  'Extreme Speed': { normal: 8, uov: 8 },
  Lightning: { normal: 4, uov: 4 },
  'Hyper-SD': { normal: 4, uov: 4 },
};

/** Slots the server pads/cuts to (config defaults of a stock install). */
export const CONTROLNET_SLOTS = 4;
export const ENHANCE_TABS = 3;
export const LORA_SLOTS = 5;
/** Seeds above this lose precision in JSON.parse; we keep every seed at or below it. */
export const MAX_SAFE_SEED = Number.MAX_SAFE_INTEGER;

export type CnType = (typeof CN_TYPES)[number];
