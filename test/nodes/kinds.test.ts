/** Node kinds: parameter schemas, defaults from the docs, UI metadata, presets, layout. */
import { describe, expect, it } from 'vitest';
import { CN_TYPE_DEFAULTS } from '../../contract/enums.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { fieldMeta } from '../../nodes/field.ts';
import { applyEnhanceMethod } from '../../nodes/kinds/enhance-region.ts';
import { setImagePromptType } from '../../nodes/kinds/image-prompt.ts';
import { applyInpaintMethod, inpaintMethodOf } from '../../nodes/kinds/inpaint.ts';
import { NODE_KINDS, getKind, isKindName } from '../../nodes/registry.ts';

describe('node kinds', () => {
  it('every kind has a version, bilingual title/description/port labels, and defaults for every param', () => {
    for (const [name, k] of Object.entries(NODE_KINDS)) {
      expect(k.kind).toBe(name);
      expect(k.version).toBeGreaterThanOrEqual(1);
      for (const text of [
        k.title,
        k.description,
        ...k.inputs.map((p) => p.label),
        ...k.outputs.map((p) => p.label),
      ]) {
        expect(text.en.trim(), name).not.toBe('');
        expect(text.zh.trim(), name).not.toBe('');
      }
      expect(() => k.params.parse({}), name).not.toThrow();
      for (const f of k.inlineFields) expect(Object.keys(k.params.shape), `${name}.${f}`).toContain(f);
    }
  });

  it('every param has a bilingual label for the inspector', () => {
    for (const [name, k] of Object.entries(NODE_KINDS)) {
      for (const [param, schema] of Object.entries(k.params.shape)) {
        const meta = fieldMeta.get(schema as never);
        expect(meta, `${name}.${param}`).toBeDefined();
        expect(meta!.label.en.trim()).not.toBe('');
        expect(meta!.label.zh.trim()).not.toBe('');
      }
    }
  });

  it('getKind / isKindName do not resolve inherited names', () => {
    expect(getKind('vary')).toBe(NODE_KINDS.vary);
    expect(getKind('toString')).toBeUndefined();
    expect(isKindName('__proto__')).toBe(false);
    expect(isKindName('constructor')).toBe(false);
  });

  it('request-field params carry the API defaults and ranges (contract §3)', () => {
    const inpaint = NODE_KINDS.inpaint.params.parse({});
    expect(inpaint).toMatchObject({
      inpaint_engine: 'v2.6',
      inpaint_strength: 1,
      inpaint_respective_field: 0.618,
      inpaint_erode_or_dilate: 0,
    });
    expect(NODE_KINDS.inpaint.params.safeParse({ inpaint_engine: 'v3' }).success).toBe(false);
    expect(NODE_KINDS.inpaint.params.safeParse({ inpaint_erode_or_dilate: 65 }).success).toBe(false);
    const s = NODE_KINDS.promptSettings.params.parse({});
    expect(s).toMatchObject({
      performance_selection: 'Speed',
      aspect_ratios_selection: '1152*896',
      image_number: 1,
      image_seed: -1,
    });
    expect(NODE_KINDS.promptSettings.params.safeParse({ image_number: 33 }).success).toBe(false);
    expect(NODE_KINDS.promptSettings.params.safeParse({ image_seed: 2 ** 53 }).success).toBe(false);
    expect(NODE_KINDS.promptSettings.params.safeParse({ aspect_ratios_selection: '1152x896' }).success).toBe(
      false,
    );
    const r = NODE_KINDS.enhanceRegion.params.parse({});
    expect(r).toMatchObject({
      enhance_mask_model: 'sam',
      enhance_mask_sam_model: 'vit_b',
      enhance_mask_box_threshold: 0.3,
    });
    expect(NODE_KINDS.enhanceRegion.params.safeParse({ enhance_mask_sam_model: 'vit_x' }).success).toBe(
      false,
    );
  });

  it('image prompt types switch stop/weight to the Fooocus UI defaults unless edited (§3.2)', () => {
    const p = NODE_KINDS.imagePrompt.params.parse({});
    expect(p).toEqual({ cn_type: 'ImagePrompt', cn_stop: 0.5, cn_weight: 0.6 });
    expect(setImagePromptType(p, 'FaceSwap')).toEqual({ cn_type: 'FaceSwap', cn_stop: 0.9, cn_weight: 0.75 });
    expect(setImagePromptType(p, 'PyraCanny')).toEqual({ cn_type: 'PyraCanny', cn_stop: 0.5, cn_weight: 1 });
    expect(setImagePromptType({ ...p, cn_weight: 1.5 }, 'CPDS')).toEqual({
      cn_type: 'CPDS',
      cn_stop: 0.5,
      cn_weight: 1.5,
    });
    expect(CN_TYPE_DEFAULTS.CPDS).toEqual({ stop: 0.5, weight: 1 });
  });

  it('inpaint method presets expand into the four fields (§3.3)', () => {
    const p = NODE_KINDS.inpaint.params.parse({});
    expect(inpaintMethodOf(p)).toBe('default');
    const detail = applyInpaintMethod(p, 'improveDetail');
    expect(detail).toMatchObject({
      inpaint_engine: 'None',
      inpaint_strength: 0.5,
      inpaint_respective_field: 0,
      inpaint_disable_initial_latent: false,
    });
    expect(inpaintMethodOf(detail)).toBe('improveDetail');
    const modify = applyInpaintMethod(p, 'modifyContent');
    expect(modify).toMatchObject({
      inpaint_engine: 'v2.6',
      inpaint_strength: 1,
      inpaint_respective_field: 0,
      inpaint_disable_initial_latent: true,
    });
    expect(inpaintMethodOf({ ...p, inpaint_strength: 0.7 })).toBe('custom');
    const r = applyEnhanceMethod(NODE_KINDS.enhanceRegion.params.parse({}), 'improveDetail');
    expect(r).toMatchObject({
      enhance_inpaint_engine: 'None',
      enhance_inpaint_strength: 0.5,
      enhance_inpaint_respective_field: 0,
    });
  });

  it('input images take data URLs or http(s) URLs only', () => {
    const k = NODE_KINDS.inputImage.params;
    expect(k.safeParse({ image: 'data:image/png;base64,AA' }).success).toBe(true);
    expect(k.safeParse({ image: 'https://example.com/a.png' }).success).toBe(true);
    expect(k.safeParse({ image: 'file:///etc/passwd' }).success).toBe(false);
    expect(k.safeParse({ image: 'javascript:alert(1)' }).success).toBe(false);
  });
});

describe('GraphBuilder and autoLayout', () => {
  it('gives ids per kind, full default params, and a left-to-right layout', () => {
    const b = new GraphBuilder();
    const a = b.add('inputImage');
    const v = b.add('vary');
    const o = b.add('output');
    b.wire(a, v).wire(v, o);
    const wf = b.build('x');
    expect([a, v, o]).toEqual(['inputImage-1', 'vary-1', 'output-1']);
    expect(wf.nodes.find((n) => n.id === v)!.params).toEqual(NODE_KINDS.vary.params.parse({}));
    const x = (id: string) => wf.nodes.find((n) => n.id === id)!.position.x;
    expect(x(a)).toBeLessThan(x(v));
    expect(x(v)).toBeLessThan(x(o));
    expect(wf.edges.map((e) => [e.source, e.sourceHandle, e.target, e.targetHandle])).toEqual([
      [a, 'image', v, 'image'],
      [v, 'image', o, 'image'],
    ]);
  });
});
