/**
 * What the server will do with the request, in plain words: the mode FooocusAPI picks, the stages in
 * order, how many images come back (fooocus-semantics §2.3) and each step's output size (G-28).
 */
import { fieldMeta, t } from '../nodes/field.ts';
import { getKind } from '../nodes/registry.ts';
import type { WorkflowNode } from '../nodes/graph.ts';
import type { LocalText } from '../nodes/types.ts';
import type { CompileContext } from './context.ts';
import { knownSizeOf } from './images.ts';
import {
  outpaintSize,
  parseAspectRatio,
  upscaleSize,
  varySize,
  workerUpscaleMethod,
} from '../contract/sizes.ts';
import { predictsDirectReturn } from './stages.ts';
import { isKind, type NodeOf } from '../nodes/params.ts';
import { inpaintImageNode } from './inpaint-image.ts';
import type { Plan, PlanStage, ServerMode, Size } from './types.ts';

/** "Vary (Strong)" as Fooocus names it; in Chinese the node's title with its method's choice label. */
function uovLabel(n: WorkflowNode): LocalText {
  const m = String(n.params.method);
  const kind = getKind(n.kind);
  const schema = (kind?.params as { shape?: Record<string, unknown> } | undefined)?.shape?.method;
  const choice = schema ? fieldMeta.get(schema as never)?.choiceLabels?.[m] : undefined;
  return t(m, choice && kind ? `${kind.title.zh}（${choice.zh}）` : m);
}

export function buildPlan(ctx: CompileContext): Plan {
  const s = ctx.stages;
  const sizes: Record<string, Size | null> = Object.create(null);
  const empty: Plan = {
    mode: 'text-to-image',
    stages: [],
    images: { count: 0, min: 0 },
    sizes,
    summary: t(
      'Nothing to run yet: build a chain that ends in Output.',
      '尚无可运行的内容：请搭建一条以输出结尾的处理链。',
    ),
  };
  if (!s) return empty;

  const stages: PlanStage[] = [];
  // Sizes along the chain.
  let current: Size | null =
    s.source.kind === 'promptSettings'
      ? sizeFromSettings(ctx.settings)
      : knownSizeOf(s.source, ctx.images, ctx.wf.assets);
  sizes[s.source.id] = current;
  const mainIds = new Set(s.main.map((n) => n.id));
  let mainDirectReturn = false;
  for (const n of ctx.chain.nodes.slice(1)) {
    if (n.kind === 'vary') current = current && varySize(current);
    else if (isKind(n, 'upscale')) {
      if (mainIds.has(n.id) && predictsDirectReturn(n, current)) mainDirectReturn = true;
      current =
        current &&
        upscaleSize(
          current,
          // Only the main pass rewrites Custom to its factor; in the enhance stage it acts as 1.0x (§3.1).
          s.enhanceUov?.node === n ? n.params.method : workerUpscaleMethod(n.params.method, n.params.factor),
        );
      if (current) current = { width: current.width, height: current.height };
    } else if (isKind(n, 'inpaint')) {
      // G-3, §1.6: after a main-pass Vary/Upscale the Inpaint overwrites latent and size, and the
      // worker pastes its crop back into the INPAINT image: the size is that image's, not the uov
      // result's (unless the upscale returned early, when the inpaint never runs).
      const overwrites = mainIds.has(n.id) && s.main.length === 2 && s.source.kind === 'inputImage';
      if (overwrites && mainDirectReturn) {
        sizes[n.id] = current;
        continue;
      }
      const base = overwrites
        ? knownSizeOf(inpaintImageNode(ctx.chain.g, s, n), ctx.images, ctx.wf.assets)
        : current;
      current = base && outpaintSize(base, n.params.outpaint_selections, n.params.outpaint_distance);
    }
    sizes[n.id] = current;
  }

  // Stages in execution order.
  if (s.mode === 'text-to-image')
    stages.push({ stage: 'main', nodeId: s.source.id, label: t('Text-to-image', '文生图') });
  // G-3: with an Inpaint after it in the main pass, the Vary/Upscale result is overwritten.
  const overwritten = s.main.length === 2;
  for (const n of s.main) {
    const label = n.kind === 'inpaint' ? inpaintLabel(n) : uovLabel(n);
    stages.push({
      stage: 'main',
      nodeId: n.id,
      label:
        overwritten && n.kind !== 'inpaint'
          ? t(`${label.en} (discarded by the Inpaint)`, `${label.zh}（被重绘覆盖）`)
          : label,
    });
  }
  const before = s.enhanceUov?.order === 'Before First Enhancement';
  if (s.enhanceUov && before)
    stages.push({ stage: 'enhance', nodeId: s.enhanceUov.node.id, label: uovLabel(s.enhanceUov.node) });
  s.regions.slice(0, 3).forEach((r, i) => {
    const word = String(r.params.enhance_mask_dino_prompt || r.params.enhance_mask_model);
    stages.push({
      stage: 'enhance',
      nodeId: r.id,
      label: t(`Enhance region #${i + 1}: ${word}`, `区域增强 #${i + 1}：${word}`),
    });
  });
  if (s.enhanceUov && !before)
    stages.push({ stage: 'enhance', nodeId: s.enhanceUov.node.id, label: uovLabel(s.enhanceUov.node) });

  // Image count (§2.3).
  const passThrough = s.mode === 'pass-through';
  const N = passThrough || mainDirectReturn ? 1 : Math.max(1, Number(ctx.settings.image_number));
  const enhanceRuns = !mainDirectReturn;
  const U = s.enhanceUov && enhanceRuns ? 1 : 0;
  const regions = enhanceRuns ? s.regions.slice(0, 3) : [];
  const K = regions.length;
  const mayBeSkipped = regions.filter((r) => r.params.enhance_mask_model === 'sam').length;
  const finalOnly = ctx.chain.output?.params.save_final_enhanced_image_only === true && U + K > 0;
  let count: number;
  let min: number;
  if (finalOnly) {
    count = N;
    min = mayBeSkipped > 0 ? 0 : N;
  } else if (passThrough) {
    count = U + K;
    min = U + K - mayBeSkipped;
  } else {
    count = N + N * (U + K);
    min = N + N * (U + K - mayBeSkipped);
  }
  const caveat =
    mayBeSkipped > 0
      ? t(
          `Up to ${count}: a region whose detection finds nothing is skipped and gives no image (e.g. a word that is not in the picture).`,
          `最多 ${count} 张：检测不到内容的区域会被跳过，不产生图像（例如画面中不存在的词）。`,
        )
      : undefined;

  // Only prompts with a reference reach slot 0, which is what makes the server pick its ip mode.
  const sentPrompts = ctx.imagePrompts.filter((ip) => ctx.imagePromptRefs.has(ip.id));
  const mode = serverMode(s.mode, sentPrompts.length > 0);
  return {
    mode,
    stages,
    images: { count, min, caveat },
    sizes,
    summary: summarize(mode, stages, count, min, N),
  };
}

function inpaintLabel(n: NodeOf<'inpaint'>): LocalText {
  const dirs = n.params.outpaint_selections;
  return dirs.length ? t(`Outpaint ${dirs.join(', ')}`, `扩图 ${dirs.join('、')}`) : t('Inpaint', '重绘');
}

function sizeFromSettings(settings: Record<string, unknown>): Size | null {
  const base = parseAspectRatio(String(settings.aspect_ratios_selection));
  if (!base) return null;
  const w = Number(settings.overwrite_width);
  const h = Number(settings.overwrite_height);
  return { width: w > 0 ? w : base.width, height: h > 0 ? h : base.height };
}

/** FooocusAPI's current_tab choice (contract §4.3): enhance → ip (slot 0) → uov → inpaint. */
function serverMode(mode: string, hasImagePrompts: boolean): ServerMode {
  if (mode === 'pass-through') return 'enhance';
  if (hasImagePrompts) return 'image-prompt';
  if (mode === 'uov') return 'uov';
  if (mode === 'inpaint') return 'inpaint';
  return 'text-to-image';
}

const MODE_TEXT: Record<ServerMode, LocalText> = {
  'text-to-image': t('text-to-image', '文生图'),
  uov: t('vary/upscale', '变化/放大'),
  inpaint: t('inpaint', '重绘'),
  'image-prompt': t('image prompt', '图像提示'),
  enhance: t('enhance an uploaded image', '增强上传的图像'),
};

function summarize(mode: ServerMode, stages: PlanStage[], count: number, min: number, n: number): LocalText {
  const steps = stages.map((s) => s.label);
  const range = min === count ? `${count}` : `${min}–${count}`;
  return t(
    `FooocusAPI mode: ${MODE_TEXT[mode].en}. Steps: ${steps.map((x) => x.en).join(' → ') || 'none'}${n > 1 ? ` (main pass ×${n})` : ''}. Expect ${range} image${count === 1 ? '' : 's'}.`,
    `FooocusAPI 模式：${MODE_TEXT[mode].zh}。步骤：${steps.map((x) => x.zh).join(' → ') || '无'}${n > 1 ? `（主流程 ×${n}）` : ''}。预计 ${range} 张图。`,
  );
}
