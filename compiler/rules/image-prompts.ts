/**
 * Image prompts (fooocus-semantics §3.2): only the main pass uses them (G-4), at most four
 * (S-too-many-image-prompts), a stop that comes before the diffusion starts (G-11), control maps
 * squeezed into the inpaint crop (G-12), FaceSwap without a face (G-13).
 */
import { mainInpaint, mainUov } from '../stages.ts';
import { t } from '../../nodes/field.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import type { CompileContext } from '../context.ts';
import { kindName } from './text.ts';

export function checkImagePrompts(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s) return;
  const mainIds = new Set([
    ...s.main.map((n) => n.id),
    ...(s.mode === 'text-to-image' ? [s.source.id] : []),
    ...(ctx.chain.settings ? [ctx.chain.settings.id] : []),
  ]);
  ctx.imagePrompts.forEach((ip, i) => {
    const target = ctx.imagePromptTargets.get(ip.id)!;
    if (s.mode === 'pass-through' || !mainIds.has(target.id)) {
      ctx.d.error(
        'G-4',
        ip.id,
        s.mode === 'pass-through'
          ? t(
              'Image prompts do nothing when an uploaded image is only enhanced: Fooocus runs no main pass then. Remove it, or put a Vary in the main pass.',
              '只对上传图像做增强时图像提示不起作用：此时 Fooocus 不运行主流程。请删除它，或在主流程加入 Vary。',
            )
          : t(
              'Image prompts only condition the main pass; the enhance stage never uses them. Wire it into the first image step (or Prompt & Settings).',
              '图像提示只作用于主流程，增强阶段从不使用。请把它连到第一个图像步骤（或“提示词与设置”）。',
            ),
      );
    }
    if (i >= 4) {
      ctx.d.error(
        'S-too-many-image-prompts',
        ip.id,
        t(
          'FooocusAPI keeps only 4 image prompts and silently drops the rest. Remove this one.',
          'FooocusAPI 只保留 4 个图像提示，其余会被悄悄丢弃。请删除此节点。',
        ),
      );
    }
    const stop = Number(ip.params.cn_stop);
    const uov = mainUov(s);
    const inpaint = mainInpaint(s);
    // Inpaint wins the main pass when both are there (G-3), so its denoise is the one that counts.
    const step = inpaint ?? uov;
    const denoise = step && !s.mainDirectReturn ? mainDenoise(step) : null;
    const starts = denoise === null ? null : startProgress(denoise);
    const partial =
      starts !== null && stop <= starts + 0.01
        ? { what: `${kindName(step!).en} (denoise ${denoise})`, limit: Math.round(starts * 100) / 100 }
        : null;
    if (partial) {
      ctx.d.warn(
        'G-11',
        ip.id,
        t(
          `With ${partial.what} the diffusion starts late (at about ${partial.limit} of the way), so an image prompt that stops at ${stop} likely has no effect. Raise "Stop at".`,
          `使用 ${partial.what} 时扩散开始得较晚（约在 ${partial.limit} 处），在 ${stop} 停止的图像提示很可能不起作用。请提高“停止于”。`,
        ),
        {
          field: 'cn_stop',
          fix: {
            label: t('Stop at 0.9', '停止于 0.9'),
            edits: [{ op: 'setParam', nodeId: ip.id, param: 'cn_stop', value: 0.9 }],
          },
        },
      );
    }
    if (
      (ip.params.cn_type === 'PyraCanny' || ip.params.cn_type === 'CPDS') &&
      inpaint &&
      Number(inpaint.params.inpaint_respective_field) < 1
    ) {
      ctx.d.warn(
        'G-12',
        ip.id,
        t(
          'With Inpaint, the whole control map is squeezed into the inpaint crop, not aligned with it. Set the Inpaint respective field to 1.0 and use a control image with the same aspect ratio.',
          '与重绘同用时，整张控制图会被压缩进重绘裁剪区域，而不是与之对齐。请把重绘参考范围设为 1.0，并使用相同宽高比的控制图。',
        ),
        {
          field: 'cn_type',
          fix: {
            label: t('Set respective field to 1.0', '把参考范围设为 1.0'),
            edits: [{ op: 'setParam', nodeId: inpaint.id, param: 'inpaint_respective_field', value: 1 }],
          },
        },
      );
    }
    if (ip.params.cn_type === 'FaceSwap') {
      ctx.d.warn(
        'G-13',
        ip.id,
        t(
          'FaceSwap crops the most confident face; if the reference shows no detectable face, Fooocus silently uses the whole image.',
          'FaceSwap 会裁取置信度最高的人脸；若参考图中检测不到人脸，Fooocus 会悄悄使用整张图。',
        ),
        { field: 'cn_type' },
      );
    }
  });
}

/** The denoise the main pass runs at: the override when set (> 0), else Fooocus's built-in value. */
function mainDenoise(n: WorkflowNode): number {
  if (n.kind === 'inpaint') return Number(n.params.inpaint_strength);
  const override = Number(n.params.strength);
  if (override > 0) return override;
  if (n.kind === 'upscale') return 0.382;
  return n.params.method === 'Vary (Strong)' ? 0.85 : 0.5;
}

/**
 * Diffusion progress at the first step for a given denoise ("Stop at" is compared with this, not with
 * the step index). Offline estimate for SDXL/karras/30 steps (fooocus-semantics §3.2): denoise 0.382
 * starts at ≈ 0.79, 0.5 at ≈ 0.59, 0.85 at ≈ 0.11, 1.0 at 0. Linear in between; an estimate.
 */
function startProgress(denoise: number): number {
  const points: [number, number][] = [
    [0, 1],
    [0.382, 0.79],
    [0.5, 0.59],
    [0.85, 0.11],
    [1, 0],
  ];
  const d = Math.min(1, Math.max(0, denoise));
  for (let i = 1; i < points.length; i++) {
    const [d0, p0] = points[i - 1]!;
    const [d1, p1] = points[i]!;
    if (d <= d1) return p0 + ((d - d0) / (d1 - d0)) * (p1 - p0);
  }
  return 0;
}
