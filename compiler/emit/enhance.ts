/**
 * The enhance stage (stage B) → enhance_checkbox only when it has work (G-20), its Vary/Upscale
 * step and order, and exactly three enhance_ctrls (G-17).
 */
import { ENHANCE_TABS } from '../../contract/enums.ts';
import type { EnhanceCtrlItem } from '../../contract/fields.ts';
import type { CompileContext } from '../context.ts';
import type { Stages } from '../stages.ts';
import type { RequestBuilder } from './builder.ts';
import { emitUov } from './uov.ts';

const CTRL_KEYS = [
  'enhance_mask_dino_prompt',
  'enhance_prompt',
  'enhance_negative_prompt',
  'enhance_mask_model',
  'enhance_mask_cloth_category',
  'enhance_mask_sam_model',
  'enhance_mask_text_threshold',
  'enhance_mask_box_threshold',
  'enhance_mask_sam_max_detections',
  'enhance_inpaint_disable_initial_latent',
  'enhance_inpaint_engine',
  'enhance_inpaint_strength',
  'enhance_inpaint_respective_field',
  'enhance_inpaint_erode_or_dilate',
  'enhance_mask_invert',
] as const;

export function emitEnhance(ctx: CompileContext, s: Stages, b: RequestBuilder): void {
  const stageNodes = [...(s.enhanceUov ? [s.enhanceUov.node] : []), ...s.regions].map((n) => ({
    nodeId: n.id,
  }));
  // G-20: the checkbox only when stage B really has work.
  b.set('enhance_checkbox', true, stageNodes);
  if (s.enhanceUov) {
    const n = s.enhanceUov.node;
    emitUov(n, b, 'enhance');
    b.set('enhance_uov_processing_order', s.enhanceUov.order, { nodeId: n.id, param: 'runIn' });
    b.set('enhance_uov_prompt_type', n.params.promptType, { nodeId: n.id, param: 'promptType' });
  }
  const ctrls: EnhanceCtrlItem[] = [];
  s.regions.slice(0, ENHANCE_TABS).forEach((r, i) => {
    const item: Record<string, unknown> = { enhance_enabled: true };
    b.trace(`enhance_ctrls.${i}`, { nodeId: r.id });
    b.trace(`enhance_ctrls.${i}.enhance_enabled`, { nodeId: r.id, param: 'enabled' });
    for (const k of CTRL_KEYS) {
      item[k] = r.params[k];
      b.trace(`enhance_ctrls.${i}.${k}`, { nodeId: r.id, param: k });
    }
    ctrls.push(item as EnhanceCtrlItem);
  });
  // G-17: exactly three entries; the server reads three groups and a fourth would shift arguments.
  while (ctrls.length < ENHANCE_TABS) ctrls.push({ enhance_enabled: false } as EnhanceCtrlItem);
  b.set(
    'enhance_ctrls',
    ctrls,
    s.regions.map((r) => ({ nodeId: r.id })),
  );
  const out = ctx.chain.output;
  if (out && out.params.save_final_enhanced_image_only === true) {
    b.set('save_final_enhanced_image_only', true, {
      nodeId: out.id,
      param: 'save_final_enhanced_image_only',
    });
  }
}
