/**
 * G-9: a main-pass upscale that returns without diffusion (Fast 2x, or a result over 2800 px)
 * ends the main pass: steps after it never run, image prompts are ignored and it gives one image.
 * `assignStages` moves it to the enhance stage when it can (noted) and reports when it cannot.
 */
import { t } from '../../nodes/field.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import type { CompileContext } from '../context.ts';
import type { DiagnosticList } from '../diagnostics.ts';
import { setImagesToOne } from './text.ts';

/** Forced into the main pass with steps after it. */
export function directReturnBeforeSteps(d: DiagnosticList, uov: WorkflowNode): void {
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
}

/** "Auto" moved it to the enhance stage. */
export function directReturnMovedToEnhance(d: DiagnosticList, uov: WorkflowNode): void {
  d.info(
    'G-9',
    uov.id,
    t(
      'Runs in the enhance stage: in the main pass this upscale would return at once and skip everything after it.',
      '在增强阶段运行：在主流程中此放大会立即返回并跳过其后所有步骤。',
    ),
  );
}

/** G-9: a main-pass upscale that returns without diffusion ignores image prompts and image_number. */
export function checkDirectReturn(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s?.mainDirectReturn) return;
  const up = s.main[0]!;
  const why =
    up.params.method === 'Upscale (Fast 2x)'
      ? t('Fast 2x upscale returns its image without diffusion', '快速 2 倍放大不经扩散直接返回图像')
      : t(
          'This upscale’s result is over 2800 px, so Fooocus returns it without diffusion',
          '此放大结果超过 2800 像素，Fooocus 会不经扩散直接返回',
        );
  for (const ip of ctx.imagePrompts) {
    const edge = (ctx.chain.g.outgoing.get(ip.id) ?? []).find((e) => e.targetHandle === 'imagePrompts');
    ctx.d.error(
      'G-9',
      ip.id,
      t(
        `${why.en}: image prompts are ignored. Remove this image prompt, or pick Upscale 1.5x/2x.`,
        `${why.zh}：图像提示会被忽略。请删除此图像提示，或改用 1.5 倍/2 倍放大。`,
      ),
      edge
        ? { fix: { label: t('Remove the wire', '删除连线'), edits: [{ op: 'removeEdge', edgeId: edge.id }] } }
        : undefined,
    );
  }
  const n = Number(ctx.settings.image_number);
  const settingsId = ctx.chain.settings?.id;
  if (n > 1) {
    // A warning, not an error: the server runs the request cleanly, it just returns one image.
    ctx.d.warn(
      'G-9',
      settingsId ?? up.id,
      t(
        `${why.en}: it gives one image whatever Images says (${n}). Set Images to 1.`,
        `${why.zh}：无论图像数量设为多少（${n}）都只得到一张。请把图像数量设为 1。`,
      ),
      setImagesToOne(settingsId),
    );
  }
}
