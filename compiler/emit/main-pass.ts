/**
 * The main pass → its input image, the Vary/Upscale or Inpaint fields, the image prompts packed
 * from slot 0 (G-1) and the two mixing flags exactly when image prompts meet a main-pass step (G-2);
 * then the enhance stage when it has work.
 */
import { mainInpaint, mainUov } from '../stages.ts';
import { inputNode } from '../../nodes/graph.ts';
import type { NodeOf } from '../../nodes/params.ts';
import type { ImagePromptItem } from '../../contract/fields.ts';
import type { CompileContext } from '../context.ts';
import { imageOf } from '../images.ts';
import { inpaintImageNode } from '../inpaint-image.ts';
import type { Stages } from '../stages.ts';
import type { RequestBuilder } from './builder.ts';
import { emitEnhance } from './enhance.ts';
import { emitUov } from './uov.ts';

export function emitStages(ctx: CompileContext, s: Stages, b: RequestBuilder): void {
  const src = { nodeId: s.source.id, param: 'image' };
  for (const n of s.main) {
    if (n.kind === 'vary' || n.kind === 'upscale') {
      b.set('uov_input_image', imageOf(s.source, ctx.images), src);
      emitUov(n, b, 'main');
    } else if (n.kind === 'inpaint') {
      const image = inpaintImageNode(ctx.chain.g, s, n);
      b.set('inpaint_input_image', imageOf(image, ctx.images), { nodeId: image.id, param: 'image' });
      emitInpaint(ctx, n, b);
    }
  }
  if (s.mode === 'pass-through') b.set('enhance_input_image', imageOf(s.source, ctx.images), src);

  // G-1: pack from slot 0, leaving out prompts with no reference wired (reported as errors), so a
  // gap never lands in slot 0, which decides the server's mode.
  const withImage = ctx.imagePrompts.filter((ip) => ctx.imagePromptRefs.has(ip.id));
  if (s.mode !== 'pass-through' && withImage.length) {
    const items: ImagePromptItem[] = [];
    withImage.slice(0, 4).forEach((ip, slot) => {
      const ref = ctx.imagePromptRefs.get(ip.id);
      items.push({
        cn_img: ref ? imageOf(ref, ctx.images) : '',
        cn_stop: ip.params.cn_stop,
        cn_weight: ip.params.cn_weight,
        cn_type: ip.params.cn_type,
      });
      b.trace(`controlnet_image.${slot}`, { nodeId: ip.id });
      b.trace(
        `controlnet_image.${slot}.cn_img`,
        ref ? { nodeId: ref.id, param: 'image' } : { nodeId: ip.id },
      );
      for (const p of ['cn_stop', 'cn_weight', 'cn_type'])
        b.trace(`controlnet_image.${slot}.${p}`, { nodeId: ip.id, param: p });
    });
    b.set(
      'controlnet_image',
      items,
      withImage.slice(0, 4).map((ip) => ({ nodeId: ip.id })),
    );
    // G-2: the mixing flags exactly when image prompts meet a main-pass uov / inpaint.
    const uov = mainUov(s);
    const inp = mainInpaint(s);
    if (uov)
      b.set('mixing_image_prompt_and_vary_upscale', true, [
        { nodeId: uov.id },
        ...withImage.map((ip) => ({ nodeId: ip.id })),
      ]);
    if (inp)
      b.set('mixing_image_prompt_and_inpaint', true, [
        { nodeId: inp.id },
        ...withImage.map((ip) => ({ nodeId: ip.id })),
      ]);
  }

  if (s.enhanceUov || s.regions.length) emitEnhance(ctx, s, b);
}

function emitInpaint(ctx: CompileContext, n: NodeOf<'inpaint'>, b: RequestBuilder): void {
  const p = n.params;
  const from = (param: string) => ({ nodeId: n.id, param });
  const maskNode = inputNode(ctx.chain.g, n.id, 'mask');
  if (maskNode)
    b.set('inpaint_mask_image_upload', imageOf(maskNode, ctx.images), {
      nodeId: maskNode.id,
      param: 'image',
    });
  const directions = p.outpaint_selections;
  const outpaint = directions.length > 0;
  b.set('inpaint_engine', p.inpaint_engine, from('inpaint_engine'));
  // G-8: Fooocus 2.5 no longer forces 1.0/1.0 for outpaint; send it ourselves.
  b.set('inpaint_strength', outpaint ? 1 : p.inpaint_strength, from('inpaint_strength'));
  b.set(
    'inpaint_respective_field',
    outpaint ? 1 : p.inpaint_respective_field,
    from('inpaint_respective_field'),
  );
  b.set(
    'inpaint_disable_initial_latent',
    p.inpaint_disable_initial_latent,
    from('inpaint_disable_initial_latent'),
  );
  b.set('inpaint_erode_or_dilate', p.inpaint_erode_or_dilate, from('inpaint_erode_or_dilate'));
  if (p.inpaint_additional_prompt)
    b.set('inpaint_additional_prompt', p.inpaint_additional_prompt, from('inpaint_additional_prompt'));
  if (outpaint) {
    b.set('outpaint_selections', [...directions], from('outpaint_selections'));
    b.set('outpaint_distance', [...p.outpaint_distance], from('outpaint_distance'));
  }
}
