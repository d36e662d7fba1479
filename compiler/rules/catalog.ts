/**
 * Free-string fields the server checks only when it runs (G-19, contract §3.1): styles, models and
 * LoRAs it does not have, and a size that is not "W*H".
 */
import { t } from '../../nodes/field.ts';
import { STOCK_STYLES } from '../../contract/styles.ts';
import type { CompileContext } from '../context.ts';

export function checkCatalogNames(ctx: CompileContext): void {
  const s = ctx.stages;
  const settingsId = ctx.chain.settings?.id;
  if (settingsId) checkCatalog(ctx, settingsId);
  if (settingsId && s) {
    const { aspect_ratios_selection: ar } = ctx.settings;
    if (typeof ar === 'string' && !/^\d+\*\d+$/.test(ar)) {
      ctx.d.error(
        'G-19',
        settingsId,
        t('Size must be "W*H", e.g. 1152*896.', '尺寸必须为“宽*高”，例如 1152*896。'),
        { field: 'aspect_ratios_selection' },
      );
    }
  }
}

/** Names the server does not have make its worker fail: "finished" with no images (G-19, contract §3.1). */
function checkCatalog(ctx: CompileContext, settingsId: string): void {
  const styles = ctx.catalog.styles ?? STOCK_STYLES;
  const unknownStyles = ctx.settings.style_selections.filter((x) => !styles.includes(x));
  if (unknownStyles.length) {
    ctx.d.error(
      'G-19',
      settingsId,
      t(
        `Unknown style${unknownStyles.length > 1 ? 's' : ''} ${unknownStyles.map((x) => `"${x}"`).join(', ')}: Fooocus would fail and return no images. Pick names from the server's style list.`,
        `未知风格 ${unknownStyles.map((x) => `“${x}”`).join('、')}：Fooocus 会失败且不返回图像。请从服务器的风格列表中选择。`,
      ),
      { field: 'style_selections' },
    );
  }
  const models = ctx.catalog.models;
  if (models) {
    for (const f of ['base_model_name', 'refiner_model_name'] as const) {
      const v = String(ctx.settings[f]);
      if (v !== 'None' && !models.includes(v)) {
        ctx.d.error(
          'G-19',
          settingsId,
          t(
            `The server has no model "${v}": Fooocus would fail and return no images.`,
            `服务器上没有模型“${v}”：Fooocus 会失败且不返回图像。`,
          ),
          { field: f },
        );
      }
    }
  }
  const loras = ctx.catalog.loras;
  if (loras) {
    for (const l of ctx.settings.loras) {
      if (l.enabled && l.model_name !== 'None' && !loras.includes(l.model_name)) {
        ctx.d.warn(
          'G-19',
          settingsId,
          t(
            `The server has no LoRA "${l.model_name}": Fooocus skips it.`,
            `服务器上没有 LoRA“${l.model_name}”：Fooocus 会跳过它。`,
          ),
          { field: 'loras' },
        );
      }
    }
  }
}
