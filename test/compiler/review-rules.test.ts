/**
 * Rules added after a user review of the compiler: each case is a graph that used to compile
 * silently into a request Fooocus would run differently than the graph says.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { nodeImageAdapter } from '../../cli/node-image-adapter.ts';
import { prepareImages } from '../../compiler/prepare/prepare.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { diagKeys, expectBilingual, img } from './helpers.ts';

const keysOf = (b: GraphBuilder) => {
  const r = compile(b.build('t'));
  expectBilingual(r.diagnostics);
  return { r, keys: diagKeys(r.diagnostics) };
};

describe('nothing to do in enhance-input mode (§2.4, G-20)', () => {
  it('an uploaded image wired straight to Output is an error on Output', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: img('a') });
    b.wire(i, b.add('output'));
    const { r, keys } = keysOf(b);
    expect(r.ok).toBe(false);
    expect(keys).toContain('error S-nothing-to-do output-1');
  });

  it('so is a chain whose only Enhance Region is disabled', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: img('a') });
    const e = b.add('enhanceRegion', { enhance_mask_dino_prompt: 'face', enabled: false });
    b.wire(i, e).wire(e, b.add('output'));
    const { r, keys } = keysOf(b);
    expect(keys).toContain('error S-nothing-to-do output-1');
    expect(r.diagnostics.find((d) => d.code === 'S-nothing-to-do')!.message.en).toContain('disabled');
  });
});

describe('G-1: image prompts without a reference are never packed into slot 0', () => {
  it('reports the missing reference and packs the complete prompt into slot 0', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: img('src') });
    const v = b.add('vary');
    const lonely = b.add('imagePrompt');
    const ref = b.add('inputImage', { image: img('ref') });
    const ip = b.add('imagePrompt', { cn_type: 'PyraCanny' });
    b.wire(lonely, v, 'imagePrompts').wire(ref, ip).wire(ip, v, 'imagePrompts');
    b.wire(i, v).wire(v, b.add('output'));
    const { r, keys } = keysOf(b);
    expect(keys).toContain(`error S-missing-input ${lonely}`);
    expect(r.request.controlnet_image).toEqual([
      { cn_img: img('ref'), cn_stop: 0.5, cn_weight: 1, cn_type: 'PyraCanny' },
    ]);
    expect(r.provenance['controlnet_image.0.cn_type']).toEqual([{ nodeId: ip, param: 'cn_type' }]);
  });

  it('a text-to-image graph whose only image prompt has no reference is planned as plain text-to-image', () => {
    const b = new GraphBuilder();
    const s = b.add('promptSettings');
    const ip = b.add('imagePrompt');
    b.wire(ip, s, 'imagePrompts').wire(s, b.add('output'));
    const { r } = keysOf(b);
    expect(r.plan.mode).toBe('text-to-image');
    expect(r.request.controlnet_image).toBeUndefined();
  });
});

describe('G-9: a main-pass upscale that returns without diffusion', () => {
  it('rejects image prompts (ignored), warns on image_number > 1 (one image; severity policy), with fixes, and drops G-11', () => {
    const b = new GraphBuilder();
    const s = b.add('promptSettings', { image_number: 4 });
    const i = b.add('inputImage', { image: img('src') });
    const u = b.add('upscale', { method: 'Upscale (Fast 2x)' });
    const ref = b.add('inputImage', { image: img('ref') });
    const ip = b.add('imagePrompt', { cn_stop: 0.3 });
    b.wire(ref, ip).wire(ip, u, 'imagePrompts').wire(i, u).wire(u, b.add('output'));
    const { r, keys } = keysOf(b);
    expect(keys).toContain(`error G-9 ${ip}`);
    expect(keys).toContain(`warning G-9 ${s}`);
    expect(keys.some((k) => k.includes('G-11'))).toBe(false);
    const nFix = r.diagnostics.find((d) => d.code === 'G-9' && d.nodeId === s)!.fix!;
    expect(nFix.edits).toEqual([{ op: 'setParam', nodeId: s, param: 'image_number', value: 1 }]);
  });

  it('predicts a direct return from the size too (3000×2000 at 2x is over 2800 px)', () => {
    const b = new GraphBuilder();
    b.add('promptSettings', { image_number: 3, prompt: 'x' });
    const i = b.add('inputImage', { image: img('big'), width: 3000, height: 2000 });
    const u = b.add('upscale', { method: 'Upscale (2x)' });
    b.wire(i, u).wire(u, b.add('output'));
    const { r, keys } = keysOf(b);
    expect(keys).toContain('warning G-9 promptSettings-1');
    expect(keys.some((k) => k.includes('G-10'))).toBe(false); // no diffusion, so the prompt is not used
    expect(r.plan.images.count).toBe(1);
  });
});

describe('Upscale (Custom) quirks (§3.1)', () => {
  it('in the enhance stage the factor is ignored (1.0x): warned, and the plan keeps the size', () => {
    const b = new GraphBuilder();
    const s = b.add('promptSettings');
    const u = b.add('upscale', { method: 'Upscale (Custom)', factor: 3 });
    b.wire(s, u).wire(u, b.add('output'));
    const { r, keys } = keysOf(b);
    expect(keys).toContain('warning S-custom-factor upscale-1');
    expect(r.plan.sizes['upscale-1']).toEqual({ width: 1152, height: 896 });
  });

  it('a main-pass factor of 3 is fine and predicted at 3x', () => {
    const b = new GraphBuilder();
    b.add('promptSettings');
    const i = b.add('inputImage', { image: img('src'), width: 640, height: 480 });
    const u = b.add('upscale', { method: 'Upscale (Custom)', factor: 3 });
    b.wire(i, u).wire(u, b.add('output'));
    const { r, keys } = keysOf(b);
    expect(keys.some((k) => k.includes('S-custom-factor'))).toBe(false);
    expect(r.plan.sizes['upscale-1']).toEqual({ width: 1920, height: 1440 });
  });
});

describe('G-11 decides on the effective denoise, not the method name', () => {
  const build = (method: string, strength: number, stop: number) => {
    const b = new GraphBuilder();
    b.add('promptSettings');
    const i = b.add('inputImage', { image: img('src') });
    const v = b.add('vary', { method, strength });
    const ref = b.add('inputImage', { image: img('ref') });
    const ip = b.add('imagePrompt', { cn_stop: stop });
    b.wire(ref, ip).wire(ip, v, 'imagePrompts').wire(i, v).wire(v, b.add('output'));
    return keysOf(b).keys.some((k) => k.startsWith('warning G-11'));
  };
  it('Vary (Subtle) at its built-in 0.5 with stop 0.5: warned', () =>
    expect(build('Vary (Subtle)', -1, 0.5)).toBe(true));
  it('Vary (Subtle) overridden to 0.95 with stop 0.5: not warned (it starts early)', () =>
    expect(build('Vary (Subtle)', 0.95, 0.5)).toBe(false));
  it('Vary (Strong) overridden to 0.3 with stop 0.5: warned (it starts even later)', () =>
    expect(build('Vary (Strong)', 0.3, 0.5)).toBe(true));
  it('Vary (Strong) at 0.85 with stop 0.5: not warned', () =>
    expect(build('Vary (Strong)', -1, 0.5)).toBe(false));
});

describe('G-6: prepare tells when it fits a mask to its image', () => {
  const png = async (w: number, h: number, white: boolean) =>
    `data:image/png;base64,${(
      await sharp({ create: { width: w, height: h, channels: 3, background: white ? '#fff' : '#000' } })
        .png()
        .toBuffer()
    ).toString('base64')}`;

  const graph = async (mw: number, mh: number) => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: await png(800, 600, false) });
    const m = b.add('mask', { image: await png(mw, mh, true) });
    const inp = b.add('inpaint');
    b.wire(i, inp).wire(i, m).wire(m, inp, 'mask').wire(inp, b.add('output'));
    return prepareImages(b.build('t'), nodeImageAdapter);
  };

  it('same shape, other size: an info, and the mask is resized to 800×600', async () => {
    const r = await graph(400, 300);
    expect(diagKeys(r.diagnostics)).toEqual(['info G-6 mask-1']);
    expect(r.images['mask-1']).toMatchObject({ width: 800, height: 600 });
  });

  it('another shape: a warning that painted areas move', async () => {
    const r = await graph(300, 300);
    expect(diagKeys(r.diagnostics)).toEqual(['warning G-6 mask-1']);
    expect(r.diagnostics[0]!.message.en).toContain('stretched');
  });
});
