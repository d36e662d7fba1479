/** Debugging switches that change or drop results through the API (G-25). */
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';
import type { CompileContext } from '../context.ts';

export function checkDebugFlags(ctx: CompileContext): void {
  const settingsId = ctx.chain.settings?.id;
  const DEBUG_FLAGS: [keyof typeof ctx.settings, LocalText][] = [
    [
      'debugging_dino',
      t(
        'debugging_dino is a debugging switch: enhance regions use the detection boxes as masks instead of SAM’s outlines. Turn it off for normal runs.',
        'debugging_dino 是调试开关：区域增强会用检测框代替 SAM 轮廓作为蒙版。正常运行时请关闭。',
      ),
    ],
    [
      'debugging_enhance_masks_checkbox',
      t(
        'debugging_enhance_masks_checkbox has no effect through the API: the mask previews it adds are dropped from the results. Turn it off.',
        'debugging_enhance_masks_checkbox 通过 API 不起作用：它添加的蒙版预览会从结果中丢弃。请关闭。',
      ),
    ],
  ];
  for (const [flag, message] of DEBUG_FLAGS) {
    if (ctx.settings[flag] === true && settingsId) ctx.d.warn('G-25', settingsId, message, { field: flag });
  }
}
