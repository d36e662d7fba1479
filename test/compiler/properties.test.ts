/**
 * Property tests (fast-check):
 * - random graphs (every node kind, valid and invalid params, good and bad wires) never make
 *   compile throw, and every request it emits passes the strict schema;
 * - compile(decompile(r)) is equivalent to r for random valid requests of the supported shapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { decompile } from '../../compiler/decompile.ts';
import { requestDifferences } from '../../compiler/equivalence.ts';
import {
  ASPECT_RATIOS,
  CLOTH_CATEGORIES,
  CN_TYPES,
  ENHANCE_UOV_PROMPT_TYPES,
  INPAINT_ENGINES,
  MASK_MODELS,
  MAX_SAFE_SEED,
  OUTPAINT_DIRECTIONS,
  OUTPUT_FORMATS,
  PERFORMANCES,
  SAMPLERS,
  SAM_MODELS,
  SCHEDULERS,
} from '../../contract/enums.ts';
import type { Workflow, WorkflowEdge, WorkflowNode } from '../../nodes/graph.ts';
import { NODE_KINDS } from '../../nodes/registry.ts';
import { expectBilingual, expectSendable } from './helpers.ts';

/** FC_RUNS=2500 for a longer hunt (then pass --testTimeout=600000). */
const RUNS = Number(process.env.FC_RUNS ?? 200);

// ---------- random graphs ----------

const KIND_NAMES = Object.keys(NODE_KINDS) as (keyof typeof NODE_KINDS)[];
const HANDLES = ['image', 'mask', 'imagePrompt', 'imagePrompts', 'bogus'];
const IMAGES = ['', 'data:image/png;base64,AA', 'https://example.com/x.png', 'None', 42, null];

/** A value for a param: usually one the kind accepts, sometimes anything at all. */
function paramValue(kind: keyof typeof NODE_KINDS, key: string): fc.Arbitrary<unknown> {
  const fallback = (NODE_KINDS[kind].params.parse({}) as Record<string, unknown>)[key];
  const plausible: fc.Arbitrary<unknown>[] = [fc.constant(fallback)];
  if (typeof fallback === 'number')
    plausible.push(fc.integer({ min: -2, max: 40 }), fc.double({ min: -1, max: 2, noNaN: true }));
  if (typeof fallback === 'boolean') plausible.push(fc.boolean());
  if (key === 'image') plausible.push(fc.constantFrom(...IMAGES));
  if (key === 'method') {
    plausible.push(
      fc.constantFrom(
        'Vary (Subtle)',
        'Vary (Strong)',
        'Upscale (2x)',
        'Upscale (Fast 2x)',
        'Upscale (Custom)',
        'Disabled',
      ),
      fc.constantFrom('default', 'improveDetail', 'modifyContent', 'custom'),
    );
  }
  if (key === 'runIn') plausible.push(fc.constantFrom('auto', 'main', 'enhance'));
  if (key === 'enabled') plausible.push(fc.boolean());
  if (key === 'outpaint_selections') plausible.push(fc.subarray([...OUTPAINT_DIRECTIONS]));
  if (key === 'enhance_mask_dino_prompt') plausible.push(fc.constantFrom('', 'face', 'eye'));
  if (key === 'cn_type') plausible.push(fc.constantFrom(...CN_TYPES));
  return fc.oneof(
    { weight: 6, arbitrary: fc.oneof(...plausible) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
}

const nodeArb = (index: number): fc.Arbitrary<WorkflowNode> =>
  fc.oneof(fc.constantFrom(...KIND_NAMES), fc.constant('mystery' as const)).chain((kind) => {
    const keys = kind === 'mystery' ? ['x'] : Object.keys(NODE_KINDS[kind].params.shape);
    const params =
      kind === 'mystery'
        ? fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })
        : fc.record(Object.fromEntries(keys.map((k) => [k, paramValue(kind, k)])), { requiredKeys: [] });
    return params.map((p) => ({
      id: `n${index}`,
      kind,
      kindVersion: 1,
      params: p as Record<string, unknown>,
      position: { x: 0, y: 0 },
    }));
  });

const graphArb: fc.Arbitrary<Workflow> = fc.integer({ min: 0, max: 14 }).chain((count) =>
  fc
    .tuple(
      fc.tuple(...Array.from({ length: count }, (_, i) => nodeArb(i))),
      fc.array(
        fc.record({
          source: fc.integer({ min: -1, max: count }),
          sourceHandle: fc.constantFrom(...HANDLES),
          target: fc.integer({ min: -1, max: count }),
          targetHandle: fc.constantFrom(...HANDLES),
        }),
        { maxLength: count * 2 + 2 },
      ),
    )
    .map(([nodes, wires]) => ({
      format: 'fooocus-flow/workflow' as const,
      version: 1,
      name: 'random',
      description: '',
      nodes,
      edges: wires.map((w, i): WorkflowEdge => ({
        id: `e${i}`,
        source: w.source < 0 ? 'ghost' : `n${w.source}`,
        sourceHandle: w.sourceHandle,
        target: w.target < 0 ? 'ghost' : `n${w.target}`,
        targetHandle: w.targetHandle,
      })),
      exposed: [],
      assets: {},
    })),
);

/** Graphs that are mostly right: a real chain from a source to Output with random steps in between. */
const chainArb: fc.Arbitrary<Workflow> = fc
  .tuple(
    fc.constantFrom('promptSettings', 'inputImage'),
    fc.array(fc.constantFrom('vary', 'upscale', 'inpaint', 'enhanceRegion'), { maxLength: 6 }),
    fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 5 }),
    fc.integer({ min: 1, max: 32 }),
    fc.boolean(),
  )
  .chain(([src, ops, ipTargets, n, finalOnly]) =>
    fc
      .tuple(...ops.map((k, i) => nodeArb(i).map((node) => ({ ...node, kind: k, id: `op${i}` }))))
      .map((opNodes) => {
        const nodes: WorkflowNode[] = [
          {
            id: 'src',
            kind: src,
            kindVersion: 1,
            params: { image: 'data:image/png;base64,AA', width: 640, height: 480 },
            position: { x: 0, y: 0 },
          },
          ...opNodes,
          {
            id: 'out',
            kind: 'output',
            kindVersion: 1,
            params: { save_final_enhanced_image_only: finalOnly },
            position: { x: 0, y: 0 },
          },
          {
            id: 'settings',
            kind: 'promptSettings',
            kindVersion: 1,
            params: { image_number: n },
            position: { x: 0, y: 0 },
          },
          {
            id: 'maskNode',
            kind: 'mask',
            kindVersion: 1,
            params: { image: 'data:image/png;base64,AA' },
            position: { x: 0, y: 0 },
          },
        ];
        if (src === 'promptSettings')
          nodes.splice(
            nodes.findIndex((x) => x.id === 'settings'),
            1,
          );
        const ids = ['src', ...opNodes.map((o) => o.id), 'out'];
        const edges: WorkflowEdge[] = ids.slice(1).map((id, i) => ({
          id: `c${i}`,
          source: ids[i]!,
          sourceHandle: 'image',
          target: id,
          targetHandle: 'image',
        }));
        const inpaint = opNodes.find((o) => o.kind === 'inpaint');
        if (inpaint)
          edges.push({
            id: 'm',
            source: 'maskNode',
            sourceHandle: 'mask',
            target: inpaint.id,
            targetHandle: 'mask',
          });
        ipTargets.forEach((t, i) => {
          nodes.push(
            {
              id: `ref${i}`,
              kind: 'inputImage',
              kindVersion: 1,
              params: { image: 'data:image/png;base64,AA' },
              position: { x: 0, y: 0 },
            },
            { id: `ip${i}`, kind: 'imagePrompt', kindVersion: 1, params: {}, position: { x: 0, y: 0 } },
          );
          const target = ids[Math.min(t, ids.length - 2)]!;
          edges.push(
            {
              id: `r${i}`,
              source: `ref${i}`,
              sourceHandle: 'image',
              target: `ip${i}`,
              targetHandle: 'image',
            },
            {
              id: `p${i}`,
              source: `ip${i}`,
              sourceHandle: 'imagePrompt',
              target,
              targetHandle: 'imagePrompts',
            },
          );
        });
        return {
          format: 'fooocus-flow/workflow' as const,
          version: 1,
          name: 'chain',
          description: '',
          nodes,
          edges,
          exposed: [],
          assets: {},
        };
      }),
  );

function checkCompile(wf: Workflow, seed?: number): void {
  const r = compile(wf, seed === undefined ? {} : { seed });
  expectSendable(r.request);
  expectBilingual(r.diagnostics);
  expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
  if (r.request.enhance_ctrls) expect(r.request.enhance_ctrls.length).toBe(3);
  if (r.request.controlnet_image) expect(r.request.controlnet_image.length).toBeLessThanOrEqual(4);
  expect(Number.isFinite(r.plan.images.count)).toBe(true);
  expect(r.plan.images.min).toBeLessThanOrEqual(r.plan.images.count);
  // Every node a diagnostic names is in the graph (wires to missing nodes aside: see graph-rules.test.ts).
  const ids = new Set(wf.nodes.map((n) => n.id));
  const dangling = new Set(wf.edges.flatMap((e) => [e.source, e.target]).filter((id) => !ids.has(id)));
  for (const d of r.diagnostics)
    if (d.nodeId !== undefined && !dangling.has(d.nodeId)) expect(ids.has(d.nodeId), d.code).toBe(true);
}

describe('random graphs', () => {
  it('never make compile throw; every request passes the strict schema', () => {
    fc.assert(
      fc.property(
        graphArb,
        fc.option(fc.integer({ min: 0, max: MAX_SAFE_SEED }), { nil: undefined }),
        (wf, seed) => {
          checkCompile(wf, seed);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('near-valid chains never throw either, and compile is deterministic', () => {
    fc.assert(
      fc.property(chainArb, (wf) => {
        checkCompile(wf);
        expect(compile(wf).request).toEqual(compile(structuredClone(wf)).request);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------- compile(decompile(r)) ≡ r ----------

const unit = fc.double({ min: 0, max: 1, noNaN: true, noDefaultInfinity: true });
const dataUrl = fc
  .string({ minLength: 1, maxLength: 8 })
  .map((s) => `data:image/png;base64,${Buffer.from(s).toString('base64')}`);

const settingsArb = fc.record(
  {
    prompt: fc.string({ maxLength: 30 }),
    negative_prompt: fc.string({ maxLength: 20 }),
    style_selections: fc.subarray([
      'Fooocus V2',
      'Fooocus Enhance',
      'Fooocus Sharp',
      'SAI Anime',
      'Fooocus Masterpiece',
    ]),
    performance_selection: fc.constantFrom(...PERFORMANCES),
    aspect_ratios_selection: fc.constantFrom(...ASPECT_RATIOS),
    image_number: fc.integer({ min: 1, max: 32 }),
    image_seed: fc.integer({ min: 0, max: MAX_SAFE_SEED }),
    guidance_scale: fc.double({ min: 1, max: 30, noNaN: true, noDefaultInfinity: true }),
    sharpness: fc.double({ min: 0, max: 30, noNaN: true, noDefaultInfinity: true }),
    sampler_name: fc.constantFrom(...SAMPLERS),
    scheduler_name: fc.constantFrom(...SCHEDULERS),
    output_format: fc.constantFrom(...OUTPUT_FORMATS),
    loras: fc.array(
      fc.record({
        enabled: fc.boolean(),
        model_name: fc.constantFrom('None', 'a.safetensors'),
        weight: fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }),
      }),
      { maxLength: 5 },
    ),
    canny_low_threshold: fc.integer({ min: 1, max: 255 }),
    disable_seed_increment: fc.boolean(),
  },
  { requiredKeys: [] },
);

const imagePromptsArb = fc.array(
  fc.record({
    cn_img: dataUrl,
    cn_stop: unit,
    cn_weight: fc.double({ min: 0, max: 2, noNaN: true, noDefaultInfinity: true }),
    cn_type: fc.constantFrom(...CN_TYPES),
  }),
  { maxLength: 4 },
);

const ctrlArb = fc.record({
  enhance_enabled: fc.constant(true),
  enhance_mask_dino_prompt: fc.constantFrom('face', 'eye', 'mouse', 'hand', 'hair'),
  enhance_prompt: fc.string({ maxLength: 10 }),
  enhance_negative_prompt: fc.string({ maxLength: 10 }),
  enhance_mask_model: fc.constantFrom(...MASK_MODELS),
  enhance_mask_cloth_category: fc.constantFrom(...CLOTH_CATEGORIES),
  enhance_mask_sam_model: fc.constantFrom(...SAM_MODELS),
  enhance_mask_text_threshold: unit,
  enhance_mask_box_threshold: unit,
  enhance_mask_sam_max_detections: fc.integer({ min: 0, max: 10 }),
  enhance_inpaint_disable_initial_latent: fc.boolean(),
  enhance_inpaint_engine: fc.constantFrom(...INPAINT_ENGINES),
  enhance_inpaint_strength: unit,
  enhance_inpaint_respective_field: unit,
  enhance_inpaint_erode_or_dilate: fc.double({ min: -64, max: 64, noNaN: true, noDefaultInfinity: true }),
  enhance_mask_invert: fc.boolean(),
});

const UOV = [
  'Vary (Subtle)',
  'Vary (Strong)',
  'Upscale (1.5x)',
  'Upscale (2x)',
  'Upscale (Fast 2x)',
  'Upscale (Custom)',
] as const;

/** A uov method with its custom factor and (for the main pass) its strength override. */
const uovArb = (prefix: '' | 'enhance_', withStrength: boolean) =>
  fc
    .record({
      method: fc.constantFrom(...UOV),
      factor: fc.double({ min: 1, max: 5, noNaN: true, noDefaultInfinity: true }),
      strength: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true, noDefaultInfinity: true }), {
        nil: undefined,
      }),
    })
    .map(({ method, factor, strength }) => {
      const r: Record<string, unknown> = { [`${prefix}uov_method`]: method };
      if (method === 'Upscale (Custom)') r.upscale_multiple = factor;
      if (withStrength && strength !== undefined) {
        r[method.startsWith('Vary') ? 'overwrite_vary_strength' : 'overwrite_upscale_strength'] = strength;
      }
      return r;
    });

/** Stage B: an optional uov ("Before" only when regions follow) and 0–3 regions, at least one step. */
const enhanceStageArb = fc
  .tuple(
    fc.option(uovArb('enhance_', false), { nil: undefined }),
    fc.array(ctrlArb, { maxLength: 3 }),
    fc.boolean(),
    fc.constantFrom(...ENHANCE_UOV_PROMPT_TYPES),
    fc.boolean(),
  )
  .filter(([uov, ctrls]) => uov !== undefined || ctrls.length > 0)
  .map(([uov, ctrls, before, promptType, finalOnly]) => ({
    enhance_checkbox: true,
    ...(uov ?? {}),
    ...(uov
      ? {
          enhance_uov_processing_order:
            before && ctrls.length ? 'Before First Enhancement' : 'After Last Enhancement',
          enhance_uov_prompt_type: promptType,
        }
      : {}),
    enhance_ctrls: ctrls,
    save_final_enhanced_image_only: finalOnly,
  }));

const t2iArb = fc
  .tuple(settingsArb, imagePromptsArb)
  .map(([s, ips]) => ({ ...s, ...(ips.length ? { controlnet_image: ips } : {}) }));

const uovRequestArb = fc
  .tuple(settingsArb, dataUrl, uovArb('', true), imagePromptsArb)
  .map(([s, image, uov, ips]) => {
    // G-9: Fast 2x returns one image without diffusion, so a request with image prompts or
    // image_number > 1 is one the compiler rejects, not one it expresses.
    const fast = uov.uov_method === 'Upscale (Fast 2x)';
    return {
      ...s,
      ...(fast ? { image_number: 1 } : {}),
      uov_input_image: image,
      ...uov,
      ...(ips.length && !fast ? { controlnet_image: ips, mixing_image_prompt_and_vary_upscale: true } : {}),
    };
  });

const inpaintRequestArb = fc
  .tuple(
    settingsArb,
    dataUrl,
    fc.option(dataUrl, { nil: undefined }),
    fc.subarray([...OUTPAINT_DIRECTIONS]),
    fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: 0, max: 600 }))),
    fc.record({
      inpaint_engine: fc.constantFrom(...INPAINT_ENGINES),
      inpaint_strength: unit,
      inpaint_respective_field: unit,
      inpaint_disable_initial_latent: fc.boolean(),
      inpaint_erode_or_dilate: fc.integer({ min: -64, max: 64 }),
      inpaint_additional_prompt: fc.string({ maxLength: 10 }),
    }),
    imagePromptsArb,
  )
  .filter(([, , mask, dirs]) => mask !== undefined || dirs.length > 0)
  .map(([s, image, mask, dirs, distance, p, ips]) => ({
    ...s,
    inpaint_input_image: image,
    ...(mask ? { inpaint_mask_image_upload: mask } : {}),
    ...p,
    // G-8: what the compiler expresses for outpaint is strength and field 1.0.
    ...(dirs.length
      ? {
          outpaint_selections: dirs,
          outpaint_distance: distance,
          inpaint_strength: 1,
          inpaint_respective_field: 1,
        }
      : {}),
    ...(ips.length ? { controlnet_image: ips, mixing_image_prompt_and_inpaint: true } : {}),
  }));

const passThroughArb = fc
  .tuple(settingsArb, dataUrl, enhanceStageArb)
  .map(([s, image, stage]) => ({ ...s, image_number: 1, enhance_input_image: image, ...stage }));

const generatedEnhanceArb = fc
  .tuple(t2iArb, enhanceStageArb)
  .filter(([, stage]) => !('upscale_multiple' in stage))
  .map(([main, stage]) => ({ ...main, ...stage }));

function roundTrip(request: Record<string, unknown>): void {
  const d = decompile(request);
  expect(d.ok, JSON.stringify(!d.ok && d.errors)).toBe(true);
  if (!d.ok) return;
  const r = compile(d.workflow);
  expectSendable(r.request);
  expect(requestDifferences(request, r.request)).toEqual([]);
  expect(
    r.diagnostics.filter((x) => x.severity === 'error'),
    'a valid request decompiles into a graph without errors',
  ).toEqual([]);
}

describe('compile(decompile(r)) ≡ r', () => {
  it.each([
    ['text-to-image (+ image prompts)', t2iArb],
    ['vary / upscale (+ image prompts, vu flag)', uovRequestArb],
    ['inpaint / outpaint (+ image prompts, inp flag)', inpaintRequestArb],
    ['enhance an uploaded image (pass-through)', passThroughArb],
    ['generated images + enhance', generatedEnhanceArb],
  ] as const)('%s', (_name, arb) => {
    fc.assert(
      fc.property(arb as fc.Arbitrary<Record<string, unknown>>, (r) => roundTrip(r)),
      { numRuns: RUNS },
    );
  });
});
