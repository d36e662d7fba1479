/**
 * The FooocusAPI v3 `CommonRequest` as a table of field specs (shared/docs/fooocusapi-contract.md §3).
 * One table serves three readers: the strict zod schema our compiler output must pass, the lenient
 * zod schema that reads requests from outside (as the real server would), and the simulated
 * engine's pydantic-style validator that answers 422s in the server's exact format.
 */
import {
  CN_TYPES,
  DEFAULT_BASE_MODEL,
  DEFAULT_LORAS,
  DEFAULT_STYLES,
  MASK_MODELS,
  METADATA_SCHEMES,
  OUTPAINT_DIRECTIONS,
  PERFORMANCES,
  UOV_METHODS,
} from './enums.ts';

export type FieldSpec =
  | { t: 'str'; default: string | null; nullable: boolean }
  | { t: 'int'; default: number; ge?: number | undefined; le?: number | undefined }
  | {
      t: 'float';
      default: number | null;
      ge?: number | undefined;
      le?: number | undefined;
      nullable?: boolean;
    }
  | { t: 'bool'; default: boolean }
  | { t: 'enum'; values: readonly string[]; default: string }
  | { t: 'list'; item: FieldSpec; default: unknown[] }
  | { t: 'object'; fields: Record<string, FieldSpec>; required?: readonly string[] | undefined };

const str = <N extends boolean = false>(d: string | null, nullable?: N) =>
  ({ t: 'str', default: d, nullable: (nullable ?? false) as N }) as const;
const int = (d: number, ge?: number, le?: number) => ({ t: 'int', default: d, ge, le }) as const;
const float = (d: number, ge?: number, le?: number) => ({ t: 'float', default: d, ge, le }) as const;
const bool = (d: boolean) => ({ t: 'bool', default: d }) as const;
const enm = <V extends readonly string[]>(values: V, d: V[number]) =>
  ({ t: 'enum', values, default: d }) as const;
const list = <I extends FieldSpec>(item: I, d: unknown[]) => ({ t: 'list', item, default: d }) as const;
const obj = <F extends Record<string, FieldSpec>>(fields: F, required?: readonly string[]) =>
  ({ t: 'object', fields, required }) as const;

/** The TypeScript value type a spec describes (what our compiler emits). */
export type SpecValue<S> = S extends { t: 'str'; nullable: true }
  ? string | null
  : S extends { t: 'str' }
    ? string
    : S extends { t: 'int' | 'float'; nullable: true }
      ? number | null
      : S extends { t: 'int' | 'float' }
        ? number
        : S extends { t: 'bool' }
          ? boolean
          : S extends { t: 'enum'; values: readonly (infer V)[] }
            ? V
            : S extends { t: 'list'; item: infer I }
              ? SpecValue<I>[]
              : S extends { t: 'object'; fields: infer F }
                ? { [K in keyof F]: SpecValue<F[K]> }
                : never;

export const LORA_FIELDS = {
  enabled: bool(false),
  model_name: str('None'),
  weight: float(0.5, -2, 2),
} as const satisfies Record<string, FieldSpec>;
export const LORA_REQUIRED = ['enabled', 'model_name'] as const;

export const IMAGE_PROMPT_FIELDS = {
  cn_img: str(null, true),
  cn_stop: { t: 'float', default: 0.6, ge: 0, le: 1, nullable: true } as const,
  cn_weight: { t: 'float', default: 0.6, ge: 0, le: 2, nullable: true } as const,
  cn_type: enm(CN_TYPES, 'ImagePrompt'),
} as const satisfies Record<string, FieldSpec>;

export const ENHANCE_CTRL_FIELDS = {
  enhance_enabled: bool(false),
  enhance_mask_dino_prompt: str(''),
  enhance_prompt: str(''),
  enhance_negative_prompt: str(''),
  enhance_mask_model: enm(MASK_MODELS, 'sam'),
  enhance_mask_cloth_category: str('full'),
  enhance_mask_sam_model: str('vit_b'),
  enhance_mask_text_threshold: float(0.25, 0, 1),
  enhance_mask_box_threshold: float(0.3, 0, 1),
  enhance_mask_sam_max_detections: int(0, 0, 10),
  enhance_inpaint_disable_initial_latent: bool(false),
  enhance_inpaint_engine: str('v2.6'),
  enhance_inpaint_strength: float(1, 0, 1),
  enhance_inpaint_respective_field: float(0.618, 0, 1),
  enhance_inpaint_erode_or_dilate: float(0, -64, 64),
  enhance_mask_invert: bool(false),
} as const satisfies Record<string, FieldSpec>;

export const REQUEST_FIELDS = {
  // §3.1 prompt, model and sampling
  prompt: str(''),
  negative_prompt: str(''),
  style_selections: list(str(''), [...DEFAULT_STYLES]),
  performance_selection: enm(PERFORMANCES, 'Speed'),
  aspect_ratios_selection: str('1152*896'),
  image_number: int(1, 1, 32),
  output_format: str('png'),
  image_seed: int(-1),
  read_wildcards_in_order: bool(false),
  sharpness: float(2, 0, 30),
  guidance_scale: float(4, 1, 30),
  base_model_name: str(DEFAULT_BASE_MODEL),
  refiner_model_name: str('None'),
  refiner_switch: float(0.5, 0.1, 1),
  loras: list(
    obj(LORA_FIELDS, LORA_REQUIRED),
    DEFAULT_LORAS.map((l) => ({ ...l })),
  ),
  adm_scaler_positive: float(1.5, 0, 3),
  adm_scaler_negative: float(0.8, 0, 3),
  adm_scaler_end: float(0.3, 0, 1),
  adaptive_cfg: float(7, 1, 30),
  clip_skip: int(2, 1, 12),
  sampler_name: str('dpmpp_2m_sde_gpu'),
  scheduler_name: str('karras'),
  vae_name: str('Default (model)'),
  overwrite_step: int(-1),
  overwrite_switch: int(-1),
  overwrite_width: int(-1, -1, 2048),
  overwrite_height: int(-1, -1, 2048),
  overwrite_vary_strength: float(-1, -1, 1),
  overwrite_upscale_strength: float(-1, -1, 1),
  refiner_swap_method: str('joint'),
  controlnet_softness: float(0.25, 0, 1),
  canny_low_threshold: int(64, 1, 255),
  canny_high_threshold: int(128, 1, 255),
  freeu_enabled: bool(false),
  freeu_b1: float(1.01),
  freeu_b2: float(1.02),
  freeu_s1: float(0.99),
  freeu_s2: float(0.95),
  disable_preview: bool(false),
  disable_intermediate_results: bool(false),
  disable_seed_increment: bool(false),
  black_out_nsfw: bool(false),
  debugging_cn_preprocessor: bool(false),
  skipping_cn_preprocessor: bool(false),
  debugging_inpaint_preprocessor: bool(false),
  debugging_dino: bool(false),
  dino_erode_or_dilate: int(0, -64, 64),
  debugging_enhance_masks_checkbox: bool(false),
  generate_image_grid: bool(false),
  save_metadata_to_images: bool(true),
  metadata_scheme: enm(METADATA_SCHEMES, 'fooocus'),
  save_final_enhanced_image_only: bool(false),
  // §3.2 image input: upscale/vary, inpaint, outpaint
  input_image_checkbox: bool(false),
  current_tab: str('uov'),
  uov_method: enm(UOV_METHODS, 'Disabled'),
  uov_input_image: str('None', true),
  upscale_multiple: float(1, 1, 5),
  inpaint_input_image: str('None', true),
  inpaint_mask_image_upload: str('None', true),
  inpaint_additional_prompt: str(''),
  inpaint_disable_initial_latent: bool(false),
  inpaint_engine: str('v2.6'),
  inpaint_strength: float(1, 0, 1),
  inpaint_respective_field: float(0.618, 0, 1),
  inpaint_erode_or_dilate: int(0, -64, 64),
  inpaint_advanced_masking_checkbox: bool(false),
  invert_mask_checkbox: bool(false),
  outpaint_selections: list(enm(OUTPAINT_DIRECTIONS, 'Left'), []),
  outpaint_distance: list(int(0), [0, 0, 0, 0]),
  mixing_image_prompt_and_vary_upscale: bool(false),
  mixing_image_prompt_and_inpaint: bool(false),
  // §3.3 image prompts
  controlnet_image: list(obj(IMAGE_PROMPT_FIELDS), [
    { cn_img: null, cn_stop: 0.6, cn_weight: 0.6, cn_type: 'ImagePrompt' },
  ]),
  // §3.4 enhance
  enhance_input_image: str('None', true),
  enhance_checkbox: bool(false),
  enhance_uov_method: enm(UOV_METHODS, 'Disabled'),
  enhance_uov_processing_order: str('Before First Enhancement'),
  enhance_uov_prompt_type: str('Original Prompts'),
  enhance_ctrls: list(obj(ENHANCE_CTRL_FIELDS), []),
  // §3.6 output, dispatch and other API-only fields
  save_name: str(null),
  preset: str('initial'),
  stream_output: bool(false),
  require_base64: bool(false),
  async_process: bool(false),
  webhook_url: str('', true),
} as const satisfies Record<string, FieldSpec>;

/** Fields the server overwrites or ignores (§8 "never send"): our compiler must not emit them. */
export const SERVER_OWNED_FIELDS = [
  'current_tab',
  'input_image_checkbox',
  'invert_mask_checkbox',
  'inpaint_advanced_masking_checkbox',
  'require_base64',
  'debugging_cn_preprocessor',
  'debugging_inpaint_preprocessor',
  'generate_image_grid',
] as const;

/** Request fields that carry images (compared apart from other fields, and inlined by `prepare`). */
export const IMAGE_FIELDS = [
  'uov_input_image',
  'inpaint_input_image',
  'inpaint_mask_image_upload',
  'enhance_input_image',
] as const;

/** The strings the server reads as "no image" (contract §4.1). */
export const EMPTY_IMAGE_STRINGS = ['', 'None', 'none', 'null', 'string'] as const;

export function isImageGiven(value: unknown): value is string {
  return typeof value === 'string' && !(EMPTY_IMAGE_STRINGS as readonly string[]).includes(value);
}

export type CommonRequest = { [K in keyof typeof REQUEST_FIELDS]: SpecValue<(typeof REQUEST_FIELDS)[K]> };
export type ImagePromptItem = CommonRequest['controlnet_image'][number];
export type EnhanceCtrlItem = CommonRequest['enhance_ctrls'][number];
/** What the compiler emits: any subset of the fields, never an unknown key. */
export type FooocusRequest = Partial<CommonRequest>;
