/** G-3: Vary/Upscale and Inpaint both in the main pass (the documented "hodgepodge", §1.6). */
import { mainInpaint, mainUov } from '../stages.ts';
import { t } from '../../nodes/field.ts';
import type { CompileContext } from '../context.ts';
import { kindName } from './text.ts';

export function checkMainPassMix(ctx: CompileContext): void {
  const s = ctx.stages;
  if (!s) return;
  const uov = mainUov(s);
  const inpaint = mainInpaint(s);
  if (uov && inpaint) {
    const fast = uov.kind === 'upscale' && uov.params.method === 'Upscale (Fast 2x)';
    ctx.d.warn(
      'G-3',
      uov.id,
      fast
        ? t(
            'Fast 2x upscale returns at once: the Inpaint and image prompts after it never run. Move the upscale after the Inpaint (it then runs in the enhance stage).',
            '快速 2 倍放大会立即返回：其后的重绘和图像提示都不会运行。请把放大移到重绘之后（将在增强阶段运行）。',
          )
        : ctx.imagePrompts.length
          ? t(
              `${kindName(uov).en} and Inpaint both run in the main pass, but the Inpaint overwrites the ${kindName(uov).en.toLowerCase()} result: what you get is Inpaint + image prompt on the input image; the ${kindName(uov).en} only costs time. To really vary the inpainted result, move ${kindName(uov).en} after Inpaint (enhance stage).`,
              `${kindName(uov).zh}与重绘都在主流程运行，但重绘会覆盖${kindName(uov).zh}的结果：实际得到的是对输入图像的重绘 + 图像提示，${kindName(uov).zh}只是白白耗时。若要真正变化重绘结果，请把${kindName(uov).zh}移到重绘之后（增强阶段）。`,
            )
          : t(
              `Without an image prompt, FooocusAPI runs only the ${kindName(uov).en} and silently ignores the Inpaint. Move ${kindName(uov).en} after Inpaint (enhance stage), or add an image prompt.`,
              `没有图像提示时，FooocusAPI 只运行${kindName(uov).zh}，并悄悄忽略重绘。请把${kindName(uov).zh}移到重绘之后（增强阶段），或添加图像提示。`,
            ),
      { field: 'method' },
    );
  }
}
