/**
 * Coupled-field rules — the one way to set a node param, used by the editor (inspector, one-click
 * fixes), the CLI (`run --set`) and decompile alike:
 * - a Method preset (Inpaint, Enhance Region) writes its four fields: engine, strength, respective
 *   field and initial latent; editing one of those four turns the method into "custom";
 * - an image prompt's type carries its stop/weight defaults along (unless they were changed).
 * Anything else is set as is. A value its schema refuses is set as is too, and reported by compile.
 */
import { CN_TYPES, type CnType } from '../contract/enums.ts';
import { applyEnhanceMethod, enhanceMethodOf, enhanceRegion } from './kinds/enhance-region.ts';
import { imagePrompt, setImagePromptType } from './kinds/image-prompt.ts';
import { applyInpaintMethod, inpaint, inpaintMethodOf } from './kinds/inpaint.ts';

type Params = Record<string, unknown>;

const INPAINT_PRESET_FIELDS = [
  'inpaint_engine',
  'inpaint_strength',
  'inpaint_respective_field',
  'inpaint_disable_initial_latent',
];
const ENHANCE_PRESET_FIELDS = [
  'enhance_inpaint_engine',
  'enhance_inpaint_strength',
  'enhance_inpaint_respective_field',
  'enhance_inpaint_disable_initial_latent',
];

/** The params of a `kind` node after setting `key` to `value`, with the fields coupled to it. */
export function setParam(kind: string, params: Params, key: string, value: unknown): Params {
  const plain = { ...params, [key]: value };
  if (kind === 'inpaint' && (key === 'method' || INPAINT_PRESET_FIELDS.includes(key))) {
    const p = inpaint.params.safeParse(plain);
    if (p.success)
      return key === 'method'
        ? applyInpaintMethod(p.data, p.data.method)
        : { ...p.data, method: inpaintMethodOf(p.data) };
  }
  if (kind === 'enhanceRegion' && (key === 'method' || ENHANCE_PRESET_FIELDS.includes(key))) {
    const p = enhanceRegion.params.safeParse(plain);
    if (p.success)
      return key === 'method'
        ? applyEnhanceMethod(p.data, p.data.method)
        : { ...p.data, method: enhanceMethodOf(p.data) };
  }
  if (kind === 'imagePrompt' && key === 'cn_type' && isCnType(value)) {
    const before = imagePrompt.params.safeParse(params);
    if (before.success) return { ...params, ...setImagePromptType(before.data, value) };
  }
  return plain;
}

const isCnType = (v: unknown): v is CnType => (CN_TYPES as readonly unknown[]).includes(v);
