/**
 * Compile to steps (compiler/steps): each cut of fooocus-semantics §5.5 "or split" — with the exact
 * fields of every step's request, where its input comes from, and exactly the diagnostics — and
 * the rules around it: a graph that fits one request is untouched, "one request" keeps today's
 * warnings with the fix "Run as steps", and the setting survives a save.
 */
import { describe, expect, it } from 'vitest';
import { compile, compileOneRequest } from '../../compiler/compile.ts';
import { RUN_AS_STEPS } from '../../compiler/steps/compile-steps.ts';
import { finalImagesOf } from '../../compiler/steps/finals.ts';
import { stepResultRef } from '../../compiler/steps/step-ref.ts';
import { parseWorkflowJson, serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import type { Workflow } from '../../nodes/graph.ts';
import type { CompileResult } from '../../compiler/types.ts';
import { diagKeys, expectBilingual, expectSendable, img } from './helpers.ts';

const SRC = img('source');
const MASK = img('mask');
const SEED = 77;

const asSteps = (wf: Workflow): Workflow => ({ ...wf, overflow: 'steps' });

function compiled(wf: Workflow): CompileResult {
  const r = compile(wf, { seed: SEED });
  for (const s of r.steps) expectSendable(s.request);
  expectBilingual(r.diagnostics);
  expect(r.request).toBe(r.steps[0]!.request);
  return r;
}

/** Fields of a request that say what it does (the rest are Prompt & Settings, shared). */
function shape(r: CompileResult['steps'][number]['request']) {
  const keys = [
    'uov_input_image',
    'uov_method',
    'inpaint_input_image',
    'inpaint_mask_image_upload',
    'outpaint_selections',
    'enhance_input_image',
    'enhance_checkbox',
    'enhance_uov_method',
    'enhance_uov_processing_order',
    'mixing_image_prompt_and_vary_upscale',
    'mixing_image_prompt_and_inpaint',
    'image_number',
    'image_seed',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in r) out[k] = r[k];
  out.regions = r.enhance_ctrls?.filter((c) => c.enhance_enabled).map((c) => c.enhance_mask_dino_prompt);
  out.controlnet = r.controlnet_image?.length ?? 0;
  return out;
}

function inputMaskInpaint(b: GraphBuilder) {
  const i = b.add('inputImage', { image: SRC, width: 640, height: 480 });
  const m = b.add('mask', { image: MASK });
  b.wire(i, m, 'image');
  return { i, m };
}

describe('cuts', () => {
  it('Upscale 2x → Inpaint: step 2 inpaints the upscaled result with the drawn mask', () => {
    const b = new GraphBuilder();
    const { i, m } = inputMaskInpaint(b);
    const u = b.add('upscale', { method: 'Upscale (2x)' });
    const p = b.add('inpaint');
    const o = b.add('output');
    b.wire(i, u).wire(u, p).wire(m, p, 'mask').wire(p, o);
    const r = compiled(asSteps(b.build('up-inpaint')));
    expect(r.steps.map((s) => shape(s.request))).toEqual([
      { uov_input_image: SRC, uov_method: 'Upscale (2x)', image_number: 1, image_seed: SEED, controlnet: 0 },
      {
        inpaint_input_image: stepResultRef(0),
        inpaint_mask_image_upload: MASK,
        image_number: 1,
        image_seed: SEED,
        controlnet: 0,
      },
    ]);
    expect(r.steps[1]!.input).toEqual({
      fromStep: 0,
      field: 'inpaint_input_image',
      nodeId: p,
      reason: expect.objectContaining({
        en: 'Step 2 starts here: Fooocus cannot Inpaint in the same request as Upscale.',
      }) as unknown,
    });
    expect(diagKeys(r.diagnostics)).toEqual([`info S-step ${p}`].sort());
    expect(r.ok).toBe(true);
    // Sizes through both steps: the inpaint keeps the upscaled size.
    expect(r.plan.sizes[u]).toEqual({ width: 1280, height: 960 });
    expect(r.plan.sizes[p]).toEqual({ width: 1280, height: 960 });
    expect(r.plan.images).toMatchObject({ count: 2, min: 2 });
    // The provenance of step 2's input is the node that made it.
    expect(r.steps[1]!.provenance.inpaint_input_image).toEqual([{ nodeId: u }]);
  });

  it('Vary → Inpaint (no image prompt): two steps instead of the silently ignored Inpaint (G-3)', () => {
    const b = new GraphBuilder();
    const { i, m } = inputMaskInpaint(b);
    const v = b.add('vary', { method: 'Vary (Strong)' });
    const p = b.add('inpaint');
    b.wire(i, v).wire(v, p).wire(m, p, 'mask').wire(p, b.add('output'));
    const wf = b.build('vary-inpaint');
    expect(diagKeys(compile(wf).diagnostics)).toContain(`warning G-3 ${v}`);
    const r = compiled(asSteps(wf));
    expect(r.steps.map((s) => shape(s.request))).toEqual([
      { uov_input_image: SRC, uov_method: 'Vary (Strong)', image_number: 1, image_seed: SEED, controlnet: 0 },
      {
        inpaint_input_image: stepResultRef(0),
        inpaint_mask_image_upload: MASK,
        image_number: 1,
        image_seed: SEED,
        controlnet: 0,
      },
    ]);
    expect(r.steps[1]!.input?.reason.en).toBe(
      'Step 2 starts here: Fooocus cannot Inpaint in the same request as Vary.',
    );
    expect(diagKeys(r.diagnostics)).toEqual([`info S-step ${p}`]);
  });

  it('Inpaint → Vary with an image prompt on the Vary: the Vary gets a main pass of its own (G-4)', () => {
    const b = new GraphBuilder();
    const { i, m } = inputMaskInpaint(b);
    const p = b.add('inpaint');
    const v = b.add('vary');
    const ref = b.add('inputImage', { image: img('ref') });
    const ip = b.add('imagePrompt');
    b.wire(i, p).wire(m, p, 'mask').wire(p, v).wire(ref, ip).wire(ip, v, 'imagePrompts');
    b.wire(v, b.add('output'));
    const wf = b.build('inpaint-vary');
    expect(diagKeys(compile(wf).diagnostics)).toContain(`error G-4 ${ip}`);
    const r = compiled(asSteps(wf));
    expect(r.steps.map((s) => shape(s.request))).toEqual([
      {
        inpaint_input_image: SRC,
        inpaint_mask_image_upload: MASK,
        image_number: 1,
        image_seed: SEED,
        controlnet: 0,
      },
      {
        uov_input_image: stepResultRef(0),
        uov_method: 'Vary (Subtle)',
        mixing_image_prompt_and_vary_upscale: true,
        image_number: 1,
        image_seed: SEED,
        controlnet: 1,
      },
    ]);
    expect(r.steps[1]!.request.controlnet_image![0]!.cn_img).toBe(img('ref'));
    // Step 2's own rules run too: Vary (Subtle) starts late, so the default "Stop at" is too early.
    expect(diagKeys(r.diagnostics)).toEqual([`info S-step ${v}`, `warning G-11 ${ip}`].sort());
    expect(r.ok).toBe(true);
  });

  it('Inpaint → Inpaint: the second repaints the first one’s result', () => {
    const b = new GraphBuilder();
    const { i, m } = inputMaskInpaint(b);
    const m2 = b.add('mask', { image: img('mask-2') });
    const p1 = b.add('inpaint');
    const p2 = b.add('inpaint', { inpaint_additional_prompt: 'hat' });
    b.wire(i, p1).wire(m, p1, 'mask').wire(p1, p2).wire(m2, p2, 'mask').wire(p2, b.add('output'));
    const wf = b.build('inpaint-inpaint');
    expect(diagKeys(compile(wf).diagnostics)).toContain(`error S-inpaint-position ${p2}`);
    const r = compiled(asSteps(wf));
    expect(r.steps.map((s) => shape(s.request))).toEqual([
      {
        inpaint_input_image: SRC,
        inpaint_mask_image_upload: MASK,
        image_number: 1,
        image_seed: SEED,
        controlnet: 0,
      },
      {
        inpaint_input_image: stepResultRef(0),
        inpaint_mask_image_upload: img('mask-2'),
        image_number: 1,
        image_seed: SEED,
        controlnet: 0,
      },
    ]);
    expect(r.steps[1]!.request.inpaint_additional_prompt).toBe('hat');
    expect(r.steps[0]!.request).not.toHaveProperty('inpaint_additional_prompt');
    expect(r.steps[1]!.input?.reason.en).toBe(
      'Step 2 starts here: Fooocus cannot Inpaint in the same request as Inpaint.',
    );
    expect(diagKeys(r.diagnostics)).toEqual([`info S-step ${p2}`]);
  });

  it('Fast 2x (run in the main pass) → Enhance Region: the region enhances the upscaled image', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: SRC, width: 640, height: 480 });
    const u = b.add('upscale', { method: 'Upscale (Fast 2x)', runIn: 'main' });
    const r1 = b.add('enhanceRegion', { enhance_mask_dino_prompt: 'face' });
    b.wire(i, u).wire(u, r1).wire(r1, b.add('output'));
    const wf = b.build('fast-enhance');
    expect(diagKeys(compile(wf).diagnostics)).toContain(`error G-9 ${u}`);
    const r = compiled(asSteps(wf));
    expect(r.steps.map((s) => shape(s.request))).toEqual([
      {
        uov_input_image: SRC,
        uov_method: 'Upscale (Fast 2x)',
        image_number: 1,
        image_seed: SEED,
        controlnet: 0,
      },
      {
        enhance_input_image: stepResultRef(0),
        enhance_checkbox: true,
        image_number: 1,
        image_seed: SEED,
        regions: ['face'],
        controlnet: 0,
      },
    ]);
    expect(r.steps[1]!.input?.reason.en).toBe(
      'Step 2 starts here: Upscale (Fast 2x) returns its image at once, so nothing after it runs in the same request.',
    );
    expect(diagKeys(r.diagnostics)).toEqual([`info S-step ${r1}`]);
    expect(r.plan.sizes[r1]).toEqual({ width: 1280, height: 960 });
  });

  it.each([4, 5, 6])('%i Enhance Regions: three in step 1, the rest in step 2 (G-16)', (count) => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: SRC, width: 640, height: 480 });
    const words = ['face', 'eye', 'mouth', 'hair', 'hand', 'nose'].slice(0, count);
    const ids = words.map((w) => b.add('enhanceRegion', { enhance_mask_dino_prompt: w }));
    let prev = i;
    for (const id of ids) {
      b.wire(prev, id);
      prev = id;
    }
    b.wire(prev, b.add('output'));
    const wf = b.build('regions');
    expect(diagKeys(compile(wf).diagnostics).filter((k) => k.includes('G-16'))).toHaveLength(count - 3);
    const r = compiled(asSteps(wf));
    expect(r.steps.map((s) => shape(s.request))).toEqual([
      {
        enhance_input_image: SRC,
        enhance_checkbox: true,
        image_number: 1,
        image_seed: SEED,
        regions: words.slice(0, 3),
        controlnet: 0,
      },
      {
        enhance_input_image: stepResultRef(0),
        enhance_checkbox: true,
        image_number: 1,
        image_seed: SEED,
        regions: words.slice(3),
        controlnet: 0,
      },
    ]);
    for (const s of r.steps) expect(s.request.enhance_ctrls).toHaveLength(3);
    expect(r.steps[1]!.input).toMatchObject({ fromStep: 0, field: 'enhance_input_image', nodeId: ids[3] });
    expect(r.steps[1]!.input?.reason.en).toBe(
      'Step 2 starts here: Fooocus reads at most 3 Enhance Regions per request.',
    );
    expect(diagKeys(r.diagnostics)).toEqual([`info S-step ${ids[3]}`]);
  });

  it('Vary → 4 Enhance Regions: the Vary runs before the first three, the fourth in step 2', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: SRC, width: 640, height: 480 });
    const v = b.add('vary');
    b.wire(i, v);
    let prev = v;
    const ids = ['face', 'eye', 'mouth', 'hair'].map((w) => {
      const id = b.add('enhanceRegion', { enhance_mask_dino_prompt: w });
      b.wire(prev, id);
      prev = id;
      return id;
    });
    b.wire(prev, b.add('output'));
    const r = compiled(asSteps(b.build('vary-4')));
    expect(r.steps.map((s) => shape(s.request))).toEqual([
      {
        enhance_input_image: SRC,
        enhance_checkbox: true,
        enhance_uov_method: 'Vary (Subtle)',
        enhance_uov_processing_order: 'Before First Enhancement',
        image_number: 1,
        image_seed: SEED,
        regions: ['face', 'eye', 'mouth'],
        controlnet: 0,
      },
      {
        enhance_input_image: stepResultRef(0),
        enhance_checkbox: true,
        image_number: 1,
        image_seed: SEED,
        regions: ['hair'],
        controlnet: 0,
      },
    ]);
    expect(diagKeys(r.diagnostics)).toEqual([`info S-step ${ids[3]}`]);
  });

  it('Outpaint → Inpaint: the drawn mask inpaints the outpainted image', () => {
    const b = new GraphBuilder();
    const { i, m } = inputMaskInpaint(b);
    const out = b.add('inpaint', { outpaint_selections: ['Left'] });
    const p = b.add('inpaint');
    b.wire(i, out).wire(out, p).wire(m, p, 'mask').wire(p, b.add('output'));
    const wf = b.build('outpaint-inpaint');
    const one = compile(wf);
    expect(diagKeys(one.diagnostics)).toContain(`error S-inpaint-position ${p}`);
    const r = compiled(asSteps(wf));
    expect(r.steps.map((s) => shape(s.request))).toEqual([
      {
        inpaint_input_image: SRC,
        outpaint_selections: ['Left'],
        image_number: 1,
        image_seed: SEED,
        controlnet: 0,
      },
      {
        inpaint_input_image: stepResultRef(0),
        inpaint_mask_image_upload: MASK,
        image_number: 1,
        image_seed: SEED,
        controlnet: 0,
      },
    ]);
    expect(r.steps[1]!.input?.reason.en).toBe(
      'Step 2 starts here: Fooocus cannot Inpaint in the same request as Outpaint.',
    );
    // The outpaint is sent with 1.0/1.0 (G-8), in step 1.
    expect(diagKeys(r.diagnostics)).toEqual([`info G-8 ${out}`, `info S-step ${p}`].sort());
  });

  it('N images in step 1: later steps run each of them alone, and the plan counts them all', () => {
    const b = new GraphBuilder();
    const s = b.add('promptSettings', { image_number: 3 });
    const { i, m } = inputMaskInpaint(b);
    const v = b.add('vary');
    const p = b.add('inpaint');
    b.wire(i, v).wire(v, p).wire(m, p, 'mask').wire(p, b.add('output'));
    const r = compiled(asSteps(b.build('n')));
    expect(r.steps.map((x) => x.request.image_number)).toEqual([3, 1]);
    expect(r.steps[1]!.request.image_seed).toBe(r.steps[0]!.request.image_seed);
    expect(r.plan.images).toMatchObject({ count: 3 + 3, min: 6 });
    expect(r.diagnostics.map((d) => d.nodeId)).not.toContain(s);
  });
});

describe('what does not change', () => {
  it('a graph that fits one request compiles to exactly what one request gives', () => {
    const b = new GraphBuilder();
    const { i, m } = inputMaskInpaint(b);
    const p = b.add('inpaint');
    const v = b.add('vary');
    b.wire(i, p).wire(m, p, 'mask').wire(p, v).wire(v, b.add('output'));
    const wf = asSteps(b.build('fits'));
    const one = compileOneRequest(wf, { seed: SEED });
    const r = compile(wf, { seed: SEED });
    expect(r).toEqual(one);
    expect(r.steps).toEqual([{ request: one.request, provenance: one.provenance, plan: one.plan }]);
  });

  it('"one request, as Fooocus would" keeps today’s request and warnings, each offering "Run as steps"', () => {
    const b = new GraphBuilder();
    const { i, m } = inputMaskInpaint(b);
    const v = b.add('vary');
    const p = b.add('inpaint');
    b.wire(i, v).wire(v, p).wire(m, p, 'mask').wire(p, b.add('output'));
    const wf: Workflow = { ...b.build('one'), overflow: 'one-request' };
    const r = compile(wf, { seed: SEED });
    const one = compileOneRequest(wf, { seed: SEED });
    expect(r.steps).toHaveLength(1);
    expect(r.request).toEqual(one.request);
    expect(diagKeys(r.diagnostics)).toEqual(diagKeys(one.diagnostics));
    const g3 = r.diagnostics.find((d) => d.code === 'G-3')!;
    expect(g3.fix).toEqual(RUN_AS_STEPS);
    // A file without the setting (saved before it existed) keeps one request too.
    const { overflow: _dropped, ...old } = wf;
    expect(compile(old, { seed: SEED }).steps).toHaveLength(1);
  });

  it('a fourth region in one-request mode offers "Run as steps" instead of disabling it', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: SRC });
    let prev = i;
    const ids = ['a', 'b', 'c', 'd'].map((w) => {
      const id = b.add('enhanceRegion', { enhance_mask_dino_prompt: w });
      b.wire(prev, id);
      prev = id;
      return id;
    });
    b.wire(prev, b.add('output'));
    const r = compile(b.build('four'));
    expect(r.diagnostics.find((d) => d.code === 'G-16' && d.nodeId === ids[3])?.fix).toEqual(RUN_AS_STEPS);
  });

  it('the setting survives save and open; new workflows split', async () => {
    const b = new GraphBuilder();
    b.add('promptSettings');
    const wf = asSteps(b.build('saved'));
    const text = await serializeWorkflow(wf);
    const parsed = parseWorkflowJson(JSON.parse(text));
    expect(parsed.ok && parsed.workflow.overflow).toBe('steps');
    const { emptyWorkflow } = await import('../../nodes/graph.ts');
    expect(emptyWorkflow().overflow).toBe('steps');
  });
});

describe('finalImagesOf', () => {
  it('takes the last image of each seed’s group', () => {
    const b = new GraphBuilder();
    b.add('promptSettings', { image_number: 2 });
    const i = b.add('inputImage', { image: SRC });
    const v = b.add('vary');
    const r1 = b.add('enhanceRegion', { enhance_mask_model: 'u2net' });
    b.wire(i, v).wire(v, r1).wire(r1, b.add('output'));
    const step = compile(b.build('x')).steps[0]!;
    // 2 main-pass images, then seed 1's region, seed 2's region.
    expect(finalImagesOf(['m1', 'm2', 'e1', 'e2'], step)).toEqual(['e1', 'e2']);
  });
});
