/**
 * compile(workflow) → { request, steps, diagnostics, provenance, plan }: flattens a graph into ONE
 * FooocusAPI v3 request (POST /v1/engine/generate/), or, when one request cannot do it all and the
 * workflow says so, into a short sequence of requests (compiler/steps). Pure and synchronous; pixel
 * work (mask size, inversion, image sizes) happens before, in `prepare` (`options.images`).
 */
import { t } from '../nodes/field.ts';
import type { Workflow, WorkflowNode } from '../nodes/graph.ts';
import { promptSettings } from '../nodes/kinds/prompt-settings.ts';
import { getKind } from '../nodes/registry.ts';
import { findChain, type Chain } from './chain.ts';
import { DiagnosticList } from './diagnostics.ts';
import { RequestBuilder } from './emit.ts';
import { imageOf, knownSizeOf, type PreparedImages } from './images.ts';
import { buildPlan } from './plan.ts';
import { CN_TYPE_DEFAULTS, ENHANCE_TABS } from './request/enums.ts';
import type { EnhanceCtrlItem, ImagePromptItem } from './request/fields.ts';
import {
  checkEdges,
  checkImagePrompts,
  checkInpaint,
  checkRegions,
  checkSettings,
  checkSources,
  checkUov,
} from './rules.ts';
import { seedText, stableSeed } from './seed.ts';
import { assignStages, type Stages } from './stages.ts';
import { inpaintImageNode } from './inpaint-image.ts';
import type { CompileOptions, CompileResult } from './types.ts';
import { compileSteps } from './steps/compile-steps.ts';

export interface CompileContext {
  wf: Workflow;
  chain: Chain;
  stages: Stages | null;
  settings: Record<string, unknown>;
  imagePrompts: WorkflowNode[];
  /** The node each image prompt is wired into. */
  imagePromptTargets: Map<string, WorkflowNode>;
  /** The reference image of each image prompt that has one wired in (the others are not sent). */
  imagePromptRefs: Map<string, WorkflowNode>;
  images: PreparedImages;
  catalog: NonNullable<CompileOptions['catalog']>;
  d: DiagnosticList;
}

export function compile(wf: Workflow, options: CompileOptions = {}): CompileResult {
  return compileSteps(wf, options, compileOneRequest);
}

/** The graph as ONE request, as Fooocus would run it (today's compile; every rule applies). */
export function compileOneRequest(wf: Workflow, options: CompileOptions = {}): CompileResult {
  const d = new DiagnosticList();
  // Null prototype: node ids are user data, and "__proto__" must not find Object.prototype.
  const images: PreparedImages = Object.assign(Object.create(null), options.images);
  const nodes = wf.nodes.map((n) => validatedParams(n, d));
  const graph: Workflow = { ...wf, nodes };
  checkEdges(graph, d);
  const chain = findChain(graph, d);
  const settings = (chain.settings?.params ?? promptSettings.params.parse({})) as Record<string, unknown>;
  const { imagePrompts, targets, refs } = collectImagePrompts(chain);
  const stages = chain.nodes.length
    ? assignStages(
        {
          chain: chain.nodes,
          imageNumber: Number(settings.image_number),
          hasImagePrompts: imagePrompts.length > 0,
          sizeOf: (id) => {
            const n = chain.g.node.get(id);
            return n ? knownSizeOf(n, images, wf.assets) : null;
          },
        },
        d,
      )
    : null;
  const ctx: CompileContext = {
    wf: graph,
    chain,
    stages,
    settings,
    imagePrompts,
    imagePromptTargets: targets,
    imagePromptRefs: refs,
    images,
    catalog: options.catalog ?? {},
    d,
  };

  checkSources(ctx);
  checkSettings(ctx);
  checkUov(ctx);
  checkInpaint(ctx);
  checkImagePrompts(ctx);
  checkRegions(ctx);

  const b = new RequestBuilder();
  emitSettings(ctx, b, options.seed);
  if (stages) emitStages(ctx, stages, b);
  const plan = buildPlan(ctx);
  const step = { request: b.request, provenance: b.provenance, plan };
  return { ...step, steps: [step], diagnostics: d.items, ok: !d.hasErrors };
}

/** Params as the kind's schema reads them; a bad value is reported on its field and replaced by defaults. */
function validatedParams(n: WorkflowNode, d: DiagnosticList): WorkflowNode {
  const kind = getKind(n.kind);
  if (!kind) {
    d.error('S-unknown-kind', n.id, t(`Unknown node kind "${n.kind}".`, `未知的节点类型“${n.kind}”。`));
    return n;
  }
  const parsed = kind.params.safeParse(n.params);
  if (parsed.success) return { ...n, params: parsed.data as Record<string, unknown> };
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '');
    d.error('S-param', n.id, t(`${field}: ${issue.message}`, `${field}：${issue.message}`), { field });
  }
  const fallback = kind.params.safeParse(
    Object.fromEntries(
      Object.entries(n.params).filter(([k]) => !parsed.error.issues.some((i) => i.path[0] === k)),
    ),
  );
  return {
    ...n,
    params: (fallback.success ? fallback.data : kind.params.parse({})) as Record<string, unknown>,
  };
}

function collectImagePrompts(chain: Chain) {
  const imagePrompts: WorkflowNode[] = [];
  const targets = new Map<string, WorkflowNode>();
  const refs = new Map<string, WorkflowNode>();
  const candidates = [
    ...chain.nodes,
    ...(chain.settings && !chain.nodes.includes(chain.settings) ? [chain.settings] : []),
  ];
  for (const n of candidates) {
    for (const e of chain.g.incoming.get(n.id) ?? []) {
      if (e.targetHandle !== 'imagePrompts') continue;
      const ip = chain.g.node.get(e.source);
      if (ip?.kind !== 'imagePrompt' || targets.has(ip.id)) continue;
      imagePrompts.push(ip);
      targets.set(ip.id, n);
      const refEdge = (chain.g.incoming.get(ip.id) ?? []).find((x) => x.targetHandle === 'image');
      const ref = refEdge && chain.g.node.get(refEdge.source);
      if (ref) refs.set(ip.id, ref);
    }
  }
  return { imagePrompts, targets, refs };
}

function emitSettings(ctx: CompileContext, b: RequestBuilder, seedOption: number | undefined): void {
  const from = (param: string) => (ctx.chain.settings ? { nodeId: ctx.chain.settings.id, param } : []);
  for (const [key, value] of Object.entries(ctx.settings)) {
    if (key === 'image_seed') continue;
    b.set(key as never, structuredClone(value) as never, from(key));
  }
  const seedParam = Number(ctx.settings.image_seed);
  const seed = seedParam >= 0 ? seedParam : (seedOption ?? stableSeed(seedText(ctx.wf.nodes)));
  b.set('image_seed', seed, from('image_seed'));
  if (ctx.stages?.mode === 'pass-through') {
    // Enhance-input mode forces one image (G-22 reports a larger count).
    b.set('image_number', 1, from('image_number'));
  }
}

function emitStages(ctx: CompileContext, s: Stages, b: RequestBuilder): void {
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
      const type = ip.params.cn_type as keyof typeof CN_TYPE_DEFAULTS;
      items.push({
        cn_img: ref ? imageOf(ref, ctx.images) : '',
        cn_stop: Number(ip.params.cn_stop),
        cn_weight: Number(ip.params.cn_weight),
        cn_type: type,
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
    const uov = s.main.find((n) => n.kind === 'vary' || n.kind === 'upscale');
    const inp = s.main.find((n) => n.kind === 'inpaint');
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

function emitUov(n: WorkflowNode, b: RequestBuilder, stage: 'main' | 'enhance'): void {
  const method = n.params.method as never;
  b.set(stage === 'main' ? 'uov_method' : 'enhance_uov_method', method, { nodeId: n.id, param: 'method' });
  if (n.kind === 'upscale' && n.params.method === 'Upscale (Custom)') {
    b.set('upscale_multiple', Number(n.params.factor), { nodeId: n.id, param: 'factor' });
  }
  const strength = Number(n.params.strength);
  if (strength > 0) {
    b.set(n.kind === 'vary' ? 'overwrite_vary_strength' : 'overwrite_upscale_strength', strength, {
      nodeId: n.id,
      param: 'strength',
    });
  }
}

function emitInpaint(ctx: CompileContext, n: WorkflowNode, b: RequestBuilder): void {
  const p = n.params;
  const from = (param: string) => ({ nodeId: n.id, param });
  const maskEdge = (ctx.chain.g.incoming.get(n.id) ?? []).find((e) => e.targetHandle === 'mask');
  const maskNode = maskEdge ? ctx.chain.g.node.get(maskEdge.source) : undefined;
  if (maskNode)
    b.set('inpaint_mask_image_upload', imageOf(maskNode, ctx.images), {
      nodeId: maskNode.id,
      param: 'image',
    });
  const directions = p.outpaint_selections as string[];
  const outpaint = directions.length > 0;
  b.set('inpaint_engine', p.inpaint_engine as string, from('inpaint_engine'));
  // G-8: Fooocus 2.5 no longer forces 1.0/1.0 for outpaint; send it ourselves.
  b.set('inpaint_strength', outpaint ? 1 : Number(p.inpaint_strength), from('inpaint_strength'));
  b.set(
    'inpaint_respective_field',
    outpaint ? 1 : Number(p.inpaint_respective_field),
    from('inpaint_respective_field'),
  );
  b.set(
    'inpaint_disable_initial_latent',
    Boolean(p.inpaint_disable_initial_latent),
    from('inpaint_disable_initial_latent'),
  );
  b.set('inpaint_erode_or_dilate', Number(p.inpaint_erode_or_dilate), from('inpaint_erode_or_dilate'));
  if (p.inpaint_additional_prompt)
    b.set(
      'inpaint_additional_prompt',
      String(p.inpaint_additional_prompt),
      from('inpaint_additional_prompt'),
    );
  if (outpaint) {
    b.set('outpaint_selections', [...directions] as never, from('outpaint_selections'));
    b.set('outpaint_distance', [...(p.outpaint_distance as number[])], from('outpaint_distance'));
  }
}

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

function emitEnhance(ctx: CompileContext, s: Stages, b: RequestBuilder): void {
  const stageNodes = [...(s.enhanceUov ? [s.enhanceUov.node] : []), ...s.regions].map((n) => ({
    nodeId: n.id,
  }));
  // G-20: the checkbox only when stage B really has work.
  b.set('enhance_checkbox', true, stageNodes);
  if (s.enhanceUov) {
    const n = s.enhanceUov.node;
    emitUov(n, b, 'enhance');
    b.set('enhance_uov_processing_order', s.enhanceUov.order, { nodeId: n.id, param: 'runIn' });
    b.set('enhance_uov_prompt_type', n.params.promptType as string, { nodeId: n.id, param: 'promptType' });
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
