/** What the server would ignore or the graph cannot keep, said in the notes. */
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';
import { ENHANCE_TABS } from '../../contract/enums.ts';
import { isImageGiven, type CommonRequest } from '../../contract/fields.ts';

/** G-26: with a preset, fields left at their API default take the preset's values on the server. */
export function presetNote(r: CommonRequest, notes: LocalText[]): void {
  if (r.preset === 'initial') return;
  notes.push(
    t(
      `preset "${r.preset}": on the server, every field left at its API default (prompt, negative prompt, models, styles, sharpness, sampler, scheduler, performance, size, VAE) takes the preset's value, and the preset's CFG lands in adaptive_cfg (G-26). The graph keeps this request's values and sends preset "initial", so its results can differ; to match, set those fields to the preset's values.`,
      `preset "${r.preset}"：服务器会把仍为 API 默认值的字段（提示词、反向提示词、模型、风格、锐度、采样器、调度器、性能、尺寸、VAE）替换为预设的值，并把预设的 CFG 写入 adaptive_cfg（G-26）。此图保留本请求的值并发送 preset "initial"，因此结果可能不同；若要一致，请把这些字段设为预设的值。`,
    ),
  );
}

export function enhanceNotes(r: CommonRequest, tab: string, notes: LocalText[]): void {
  const enabled = r.enhance_ctrls.filter((c) => c.enhance_enabled).length;
  const extra = r.enhance_ctrls.slice(ENHANCE_TABS);
  if (extra.length > 0 && (extra.some((c) => c.enhance_enabled) || r.outpaint_selections.length > 0)) {
    notes.push(
      t(
        `enhance_ctrls has ${r.enhance_ctrls.length} items (${enabled} enabled): the server reads only the first ${ENHANCE_TABS}, ignores the rest, and the 4th item's first value is read as outpaint_distance, so outpaint distances are lost (G-17). The graph keeps the first ${ENHANCE_TABS}.`,
        `enhance_ctrls 有 ${r.enhance_ctrls.length} 项（${enabled} 项启用）：服务器只读取前 ${ENHANCE_TABS} 项并忽略其余项，且第 4 项的第一个值会被当作 outpaint_distance，导致扩图距离丢失（G-17）。此图保留前 ${ENHANCE_TABS} 项。`,
      ),
    );
  }
  const uov = r.enhance_uov_method !== 'Disabled';
  if (!r.enhance_checkbox && tab !== 'enhance' && (enabled > 0 || uov)) {
    const what = [
      enabled > 0 ? `${enabled} enabled enhance_ctrls` : '',
      uov ? `enhance_uov_method "${r.enhance_uov_method}"` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    const whatZh = [
      enabled > 0 ? `${enabled} 个启用的 enhance_ctrls` : '',
      uov ? `enhance_uov_method "${r.enhance_uov_method}"` : '',
    ]
      .filter(Boolean)
      .join(' 和 ');
    notes.push(
      t(
        `${what} without enhance_checkbox: the server ignores them, so the graph has no enhance steps. Add Enhance Region / enhance-stage nodes to enhance.`,
        `${whatZh} 未设置 enhance_checkbox：服务器会忽略它们，因此此图没有增强步骤。若要增强，请添加增强区域等增强阶段节点。`,
      ),
    );
  }
}

export const IGNORED: Record<string, LocalText> = {
  uov: t(
    'uov_input_image / uov_method are ignored by the server in this request.',
    '此请求中服务器会忽略 uov_input_image / uov_method。',
  ),
  inpaint: t(
    'The inpaint fields are ignored by the server in this request (no mixing flag, or vary/upscale wins).',
    '此请求中服务器会忽略重绘字段（未设置混合选项，或 Vary/放大优先）。',
  ),
  ip: t('Image prompts are ignored when enhancing an uploaded image.', '增强上传图像时会忽略图像提示。'),
};

export function ignored(r: CommonRequest, notes: LocalText[], what: string[]): void {
  for (const w of what) {
    const present =
      (w === 'uov' && isImageGiven(r.uov_input_image)) ||
      (w === 'inpaint' && isImageGiven(r.inpaint_input_image)) ||
      (w === 'ip' && r.controlnet_image.some((s) => isImageGiven(s.cn_img)));
    if (present) notes.push(IGNORED[w]!);
  }
}
