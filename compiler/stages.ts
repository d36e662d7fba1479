/**
 * Maps the chain onto FooocusAPI's fixed two-stage pipeline (fooocus-semantics §5.1, §5.4):
 * stage A (main pass, one of text-to-image / vary-upscale / inpaint / pass-through) and stage B
 * (enhance: [uov before] → regions → [uov after]).
 */
import { t } from '../nodes/field.ts';
import type { WorkflowNode } from '../nodes/graph.ts';
import type { DiagnosticList } from './diagnostics.ts';
import { upscaleSize, workerUpscaleMethod } from '../contract/sizes.ts';
import type { Size } from './types.ts';

export type MainMode = 'text-to-image' | 'uov' | 'inpaint' | 'pass-through';

export interface Stages {
  mode: MainMode;
  source: WorkflowNode;
  /** Main-pass image operations (uov and/or inpaint; both = G-3). */
  main: WorkflowNode[];
  /** Stage-B uov step and where it runs. */
  enhanceUov?:
    { node: WorkflowNode; order: 'Before First Enhancement' | 'After Last Enhancement' } | undefined;
  /** Enabled Enhance Region nodes, in chain order. */
  regions: WorkflowNode[];
  /** Disabled regions on the chain (left out of the request). */
  disabledRegions: WorkflowNode[];
  /** The main-pass upscale returns its image without diffusion (Fast 2x or > 2800 px): no prompts, N = 1. */
  mainDirectReturn: boolean;
}

const isUov = (n: WorkflowNode) => n.kind === 'vary' || n.kind === 'upscale';

export interface StageInputs {
  chain: WorkflowNode[];
  imageNumber: number;
  /** Nodes that have image prompts wired into them. */
  hasImagePrompts: boolean;
  sizeOf: (nodeId: string) => Size | null;
}

export function assignStages(
  { chain, imageNumber, hasImagePrompts, sizeOf }: StageInputs,
  d: DiagnosticList,
): Stages | null {
  const source = chain[0];
  if (!source) return null;
  if (source.kind !== 'inputImage' && source.kind !== 'promptSettings') {
    d.error(
      'S-bad-source',
      source.id,
      t(
        'A chain must start at an Input Image (image editing) or at Prompt & Settings (text-to-image).',
        '处理链必须从“输入图像”（图像编辑）或“提示词与设置”（文生图）开始。',
      ),
    );
    return null;
  }
  const ops = chain.slice(1, -1);
  const stages: Stages = {
    mode: 'text-to-image',
    source,
    main: [],
    regions: [],
    disabledRegions: [],
    mainDirectReturn: false,
  };
  let rest = ops;

  if (source.kind === 'inputImage') {
    const first = ops[0];
    if (!first || first.kind === 'enhanceRegion') {
      stages.mode = 'pass-through';
    } else if (first.kind === 'inpaint') {
      stages.mode = 'inpaint';
      stages.main.push(first);
      rest = ops.slice(1);
    } else if (isUov(first)) {
      if (
        uovRunsInEnhanceStage(
          first,
          ops.slice(1),
          { imageNumber, hasImagePrompts, sizeOf: sizeOf(source.id) },
          d,
        )
      ) {
        stages.mode = 'pass-through';
      } else {
        stages.mode = 'uov';
        stages.main.push(first);
        stages.mainDirectReturn = first.kind === 'upscale' && predictsDirectReturn(first, sizeOf(source.id));
        rest = ops.slice(1);
        // G-3: a main-pass inpaint right after the main-pass uov (the "hodgepodge" example).
        if (rest[0]?.kind === 'inpaint') {
          stages.main.push(rest[0]);
          rest = rest.slice(1);
        }
      }
    }
  }

  // Stage B: [uov] regions [uov], one uov at most.
  const uovs = rest.filter(isUov);
  for (const n of rest) {
    if (n.kind === 'inpaint') {
      d.error(
        'S-inpaint-position',
        n.id,
        stages.mode === 'text-to-image'
          ? t(
              'Inpaint needs an uploaded image and a mask drawn on it; it cannot repaint an image generated in the same request. Start the chain at an Input Image, or use an Enhance Region (automatic mask) here.',
              '重绘需要上传的图像和在其上绘制的蒙版，不能重绘同一请求中生成的图像。请让链条从输入图像开始，或在此改用区域增强（自动蒙版）。',
            )
          : t(
              'Inpaint must be the first step after the Input Image: in one request it runs in the main pass only. Move it up, or use an Enhance Region (automatic mask) here.',
              '重绘必须是输入图像之后的第一步：一个请求中它只能在主流程运行。请把它移到前面，或在此改用区域增强（自动蒙版）。',
            ),
      );
    }
  }
  if (uovs.length > 1) {
    for (const n of uovs.slice(1)) {
      d.error(
        'G-15',
        n.id,
        t(
          'Too many Vary/Upscale steps: the enhance stage holds one, before the first or after the last region. Remove this one or split into two workflows.',
          'Vary/放大步骤过多：增强阶段只能有一个，位于第一个区域之前或最后一个区域之后。请删除此步骤或拆分为两个工作流。',
        ),
      );
    }
  }
  const regionsAll = rest.filter((n) => n.kind === 'enhanceRegion');
  const uov = uovs[0];
  if (uov) {
    const idx = rest.indexOf(uov);
    const regionsBefore = rest.slice(0, idx).some((n) => n.kind === 'enhanceRegion');
    const regionsAfter = rest.slice(idx + 1).some((n) => n.kind === 'enhanceRegion');
    if (regionsBefore && regionsAfter) {
      d.error(
        'G-15',
        uov.id,
        t(
          'A Vary/Upscale between two Enhance Regions cannot run: the enhance stage runs it before the first region or after the last. Move it to one end.',
          '位于两个区域增强之间的 Vary/放大无法运行：增强阶段只能在第一个区域之前或最后一个之后运行它。请移到一端。',
        ),
      );
    }
    // With no regions, "After" is the safe order: "Before" with zero regions persists nothing (G-21).
    stages.enhanceUov = {
      node: uov,
      order: regionsBefore || !regionsAfter ? 'After Last Enhancement' : 'Before First Enhancement',
    };
  }
  stages.regions = regionsAll.filter((n) => n.params.enabled !== false);
  stages.disabledRegions = regionsAll.filter((n) => n.params.enabled === false);
  return stages;
}

/**
 * Does a Vary/Upscale directly after the Input Image run in the enhance stage? Explicit choice wins;
 * "auto" picks the enhance stage when regions follow and the main pass would add nothing (one
 * image, no image prompts: the documented enhance example), and for a direct-return upscale that
 * has steps after it (G-9: the main pass would return before them).
 */
function uovRunsInEnhanceStage(
  uov: WorkflowNode,
  after: WorkflowNode[],
  ctx: { imageNumber: number; hasImagePrompts: boolean; sizeOf: Size | null },
  d: DiagnosticList,
): boolean {
  const runIn = uov.params.runIn;
  const directReturn = uov.kind === 'upscale' && predictsDirectReturn(uov, ctx.sizeOf);
  if (directReturn && after.length > 0) {
    if (runIn === 'main') {
      d.error(
        'G-9',
        uov.id,
        t(
          'This upscale returns its image straight away without diffusion (Fast 2x, or a result over 2800 px), so the steps after it never run in the main pass. Set "Run in" to Auto or Enhance stage.',
          '此放大会直接返回结果而不做扩散（快速 2 倍，或结果超过 2800 像素），主流程中其后的步骤永远不会运行。请把“运行阶段”设为自动或增强阶段。',
        ),
        {
          field: 'runIn',
          fix: {
            label: t('Run in the enhance stage', '在增强阶段运行'),
            edits: [{ op: 'setParam', nodeId: uov.id, param: 'runIn', value: 'enhance' }],
          },
        },
      );
      return false;
    }
    if (runIn === 'auto') {
      d.info(
        'G-9',
        uov.id,
        t(
          'Runs in the enhance stage: in the main pass this upscale would return at once and skip everything after it.',
          '在增强阶段运行：在主流程中此放大会立即返回并跳过其后所有步骤。',
        ),
      );
      return true;
    }
  }
  if (runIn === 'enhance') return true;
  if (runIn === 'main') return false;
  return (
    after.length > 0 &&
    after.every((n) => n.kind === 'enhanceRegion' || n.kind === 'output') &&
    after.some((n) => n.kind === 'enhanceRegion') &&
    ctx.imageNumber === 1 &&
    !ctx.hasImagePrompts
  );
}

export function predictsDirectReturn(uov: WorkflowNode, input: Size | null): boolean {
  const method = String(uov.params.method);
  if (method === 'Upscale (Fast 2x)') return true;
  if (!input) return false;
  return upscaleSize(input, workerUpscaleMethod(method, Number(uov.params.factor ?? 1))).directReturn;
}
