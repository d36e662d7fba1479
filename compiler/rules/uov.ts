/**
 * Vary/Upscale quirks: an upscale other than Fast 2x uses the prompt (G-10); Upscale (Custom)
 * factors Fooocus misreads or ignores (S-custom-factor).
 */
import type { Uov } from '../context.ts';
import { t } from '../../nodes/field.ts';
import type { NodeOf } from '../../nodes/params.ts';
import type { CompileContext } from '../context.ts';

/** The Vary/Upscale steps of the request: the main pass's and the enhance stage's. */
export function uovSteps(ctx: CompileContext) {
  const s = ctx.stages;
  if (!s) return [];
  return [
    ...s.main.filter((n): n is Uov => n.kind !== 'inpaint'),
    ...(s.enhanceUov ? [s.enhanceUov.node] : []),
  ];
}

export function checkUov(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s) return;
  for (const n of uovSteps(ctx)) {
    const prompt = String(ctx.settings.prompt ?? '').trim();
    const directReturn = s.mainDirectReturn && s.main[0] === n;
    if (
      n.kind === 'upscale' &&
      n.params.method !== 'Upscale (Fast 2x)' &&
      n.params.method !== 'Disabled' &&
      !directReturn &&
      prompt
    ) {
      ctx.d.warn(
        'G-10',
        n.id,
        t(
          'This upscale uses your prompt: it refines at denoise 0.382 after super-resolution. Only Fast 2x ignores prompts.',
          '此放大会使用你的提示词：超分辨率后以 0.382 去噪精修。只有快速 2 倍会忽略提示词。',
        ),
        { field: 'method' },
      );
    }
  }
  checkCustomFactor(ctx);
}

/**
 * Upscale (Custom) quirks (fooocus-semantics §3.1): in the main pass a factor whose text ends in "2"
 * (1.2, 2.2, ...) is read as 2x; in the enhance stage Custom is not rewritten and acts as 1.0x.
 */
function checkCustomFactor(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s) return;
  const main = s.main.find(
    (n): n is NodeOf<'upscale'> => n.kind === 'upscale' && n.params.method === 'Upscale (Custom)',
  );
  if (main) {
    const f = Number(main.params.factor);
    const text = Number.isInteger(f) ? `${f}.0` : String(f);
    if (text.endsWith('2') && f !== 2) {
      ctx.d.warn(
        'S-custom-factor',
        main.id,
        t(
          `Fooocus reads the factor ${text} as 2x (it tests for "2x" in "Upscale (${text}x)" first). Use ${(f + 0.01).toFixed(2)} or another factor not ending in 2.`,
          `Fooocus 会把倍数 ${text} 当作 2 倍（它先在“Upscale (${text}x)”中查找“2x”）。请改用 ${(f + 0.01).toFixed(2)} 或其他不以 2 结尾的倍数。`,
        ),
        {
          field: 'factor',
          fix: {
            label: t(`Use ${(f + 0.01).toFixed(2)}`, `改用 ${(f + 0.01).toFixed(2)}`),
            edits: [
              { op: 'setParam', nodeId: main.id, param: 'factor', value: Number((f + 0.01).toFixed(2)) },
            ],
          },
        },
      );
    }
  }
  const stageB = s.enhanceUov?.node;
  if (stageB?.kind === 'upscale' && stageB.params.method === 'Upscale (Custom)') {
    ctx.d.warn(
      'S-custom-factor',
      stageB.id,
      t(
        'In the enhance stage Fooocus does not apply the custom factor: it upscales and brings the image back to its size (1.0x), then refines. Use 1.5x or 2x here.',
        '在增强阶段 Fooocus 不会应用自定义倍数：放大后又恢复原尺寸（1.0 倍）再精修。此处请使用 1.5 倍或 2 倍。',
      ),
      {
        field: 'method',
        fix: {
          label: t('Use 2x', '改用 2 倍'),
          edits: [{ op: 'setParam', nodeId: stageB.id, param: 'method', value: 'Upscale (2x)' }],
        },
      },
    );
  }
}
