import { applyEnhanceMethod, enhanceMethodOf } from '../../nodes/kinds/enhance-region.ts';
import { setImagePromptType } from '../../nodes/kinds/image-prompt.ts';
import { applyInpaintMethod, inpaintMethodOf } from '../../nodes/kinds/inpaint.ts';
import type { CnType } from '../../contract/enums.ts';

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

/**
 * The params after a user sets one field, following the domain's coupled-field rules: a method
 * preset writes its four fields (and editing one of them turns the method into "custom"), and an
 * image prompt's type carries its stop/weight defaults along.
 */
export function nextParams(kind: string, params: Params, key: string, value: unknown): Params {
  /* eslint-disable @typescript-eslint/no-explicit-any -- the kind helpers are typed on their own params */
  const p = params as any;
  if (kind === 'inpaint') {
    if (key === 'method') return applyInpaintMethod(p, value as any);
    if (INPAINT_PRESET_FIELDS.includes(key)) {
      const next = { ...p, [key]: value };
      return { ...next, method: inpaintMethodOf(next) };
    }
  }
  if (kind === 'enhanceRegion') {
    if (key === 'method') return applyEnhanceMethod(p, value as any);
    if (ENHANCE_PRESET_FIELDS.includes(key)) {
      const next = { ...p, [key]: value };
      return { ...next, method: enhanceMethodOf(next) };
    }
  }
  if (kind === 'imagePrompt' && key === 'cn_type') return setImagePromptType(p, value as CnType);
  /* eslint-enable @typescript-eslint/no-explicit-any */
  return { ...params, [key]: value };
}
