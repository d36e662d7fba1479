import { STOCK_STYLES } from '../../contract/styles.ts';
/**
 * What the simulated install reports: the 279 stock style names (contract Appendix A, in the order
 * `/v1/engines/styles` returns them) and the stock checkpoint and LoRA files.
 */
export const STYLE_NAMES: readonly string[] = STOCK_STYLES;

export const STOCK_MODELS: readonly string[] = [
  'juggernautXL_v8Rundiffusion.safetensors',
  'realisticStockPhoto_v20.safetensors',
  'animaPencilXL_v500.safetensors',
  'sd_xl_base_1.0_0.9vae.safetensors',
  'sd_xl_refiner_1.0_0.9vae.safetensors',
  'playground-v2.5-1024px-aesthetic.fp16.safetensors',
  'ponyDiffusionV6XL.safetensors',
];

export const STOCK_LORAS: readonly string[] = [
  'sd_xl_offset_example-lora_1.0.safetensors',
  'sdxl_lcm_lora.safetensors',
  'sdxl_lightning_4step_lora.safetensors',
  'sdxl_hyper_sd_4step_lora.safetensors',
];

/** What the simulated SAM/GroundingDINO "finds" in any image (contract §7; brief). */
export const DETECTABLE_WORDS: readonly string[] = [
  'face',
  'eye',
  'eyes',
  'mouth',
  'hair',
  'hand',
  'hands',
  'body',
  'person',
  'nose',
  'ear',
];
