/**
 * decompile(request) → workflow: rebuilds a readable graph from a FooocusAPI request (a docs
 * example, a log line, a request view copy). It follows what the server would really run
 * (contract §4.3, fooocus-semantics §1.5) and lists in `notes` whatever the server would ignore.
 */
import { GraphBuilder } from '../nodes/build.ts';
import { t } from '../nodes/field.ts';
import type { Workflow } from '../nodes/graph.ts';
import { enhanceMethodOf } from '../nodes/kinds/enhance-region.ts';
import { inpaintMethodOf } from '../nodes/kinds/inpaint.ts';
import { PROMPT_SETTINGS_FIELDS } from '../nodes/kinds/prompt-settings.ts';
import type { LocalText } from '../nodes/types.ts';
import { CN_TYPE_DEFAULTS } from './request/enums.ts';
import { isImageGiven, type CommonRequest } from './request/fields.ts';
import { defaultRequest, laxRequestSchema } from './request/schema.ts';
import type { z } from 'zod';

export type DecompileResult =
  | { ok: true; workflow: Workflow; notes: LocalText[] }
  | { ok: false; errors: { path: string; message: string }[] };

export function decompile(input: unknown, name = 'Decompiled request'): DecompileResult {
  const parsed = laxRequestSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: (parsed.error as z.ZodError).issues.slice(0, 20).map((i) => ({
        path:
          i.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .replace(/^\./, '') || '(top level)',
        message: i.message,
      })),
    };
  }
  const r = parsed.data;
  const notes: LocalText[] = [];
  const b = new GraphBuilder();

  // Settings node: only when the request sets something, or when it is the text-to-image source.
  const defaults = defaultRequest();
  const settingsParams: Record<string, unknown> = {};
  for (const f of PROMPT_SETTINGS_FIELDS) {
    const v =
      f === 'aspect_ratios_selection' ? String(r[f]).replace(/[×\s]/, '*') : r[f as keyof CommonRequest];
    if (JSON.stringify(v) !== JSON.stringify(defaults[f as keyof CommonRequest])) settingsParams[f] = v;
  }
  if (
    typeof settingsParams.image_seed === 'number' &&
    (settingsParams.image_seed < 0 || settingsParams.image_seed > Number.MAX_SAFE_INTEGER)
  ) {
    delete settingsParams.image_seed;
  }
  const slots = r.controlnet_image.filter((s) => isImageGiven(s.cn_img));
  const slot0 = isImageGiven(r.controlnet_image[0]?.cn_img);
  const tab = isImageGiven(r.enhance_input_image)
    ? 'enhance'
    : slot0
      ? 'ip'
      : isImageGiven(r.uov_input_image)
        ? 'uov'
        : isImageGiven(r.inpaint_input_image)
          ? 'inpaint'
          : 'none';
  const vu = r.mixing_image_prompt_and_vary_upscale;
  const inp = r.mixing_image_prompt_and_inpaint;
  const hasMask = isImageGiven(r.inpaint_mask_image_upload);
  const runsUov =
    r.uov_method !== 'Disabled' && isImageGiven(r.uov_input_image) && (tab === 'uov' || (tab === 'ip' && vu));
  const runsInpaint =
    isImageGiven(r.inpaint_input_image) &&
    (hasMask || r.outpaint_selections.length > 0) &&
    (tab === 'inpaint' || (tab === 'ip' && inp));
  const ipApplies = tab !== 'enhance' && (tab === 'ip' || vu || inp);

  let settingsId: string | undefined;
  const needSettings =
    Object.keys(settingsParams).length > 0 || (tab !== 'enhance' && !runsUov && !runsInpaint);
  if (needSettings) settingsId = b.add('promptSettings', settingsParams);
  let head: string;
  const mainNodes: string[] = [];

  if (tab === 'enhance') {
    head = b.add('inputImage', { image: r.enhance_input_image });
    if (!r.enhance_checkbox)
      notes.push(
        t(
          'enhance_checkbox is false: the server would return no images. The graph assumes it true.',
          'enhance_checkbox 为 false：服务器不会返回图像。此图按其为 true 处理。',
        ),
      );
    ignored(r, notes, ['uov', 'inpaint', 'ip']);
  } else if (runsUov || runsInpaint) {
    const src = runsUov ? r.uov_input_image : r.inpaint_input_image;
    const image = b.add('inputImage', { image: src });
    head = image;
    if (runsUov) {
      head = addUov(b, r, r.uov_method, 'main', head);
      mainNodes.push(head);
    }
    if (runsInpaint) {
      const node = b.add('inpaint', inpaintParams(r));
      b.wire(head, node);
      if (hasMask) {
        const maskImage =
          r.inpaint_input_image !== src
            ? b.add('inputImage', { image: r.inpaint_input_image }, 'Inpaint image')
            : image;
        const mask = b.add('mask', { image: r.inpaint_mask_image_upload });
        b.wire(maskImage, mask).wire(mask, node, 'mask');
      }
      head = node;
      mainNodes.push(node);
    }
    if (tab === 'uov' && isImageGiven(r.inpaint_input_image)) ignored(r, notes, ['inpaint']);
  } else {
    head = settingsId!;
    if (isImageGiven(r.uov_input_image) || isImageGiven(r.inpaint_input_image))
      ignored(r, notes, tab === 'ip' ? ['uov', 'inpaint'] : ['uov']);
  }

  // Image prompts: wired into the first main-pass node (or Prompt & Settings for text-to-image).
  if (slots.length && ipApplies) {
    const target = mainNodes[0] ?? settingsId!;
    for (const s of slots.slice(0, 4)) {
      const type = s.cn_type as keyof typeof CN_TYPE_DEFAULTS;
      const ref = b.add('inputImage', { image: s.cn_img }, 'Reference');
      const ip = b.add('imagePrompt', {
        cn_type: type,
        cn_stop: s.cn_stop ?? CN_TYPE_DEFAULTS[type].stop,
        cn_weight: s.cn_weight ?? CN_TYPE_DEFAULTS[type].weight,
      });
      b.wire(ref, ip).wire(ip, target, 'imagePrompts');
    }
  } else if (slots.length) {
    notes.push(
      t(
        'The image prompts are ignored by the server in this request (no mixing flag, or enhance mode).',
        '此请求中服务器会忽略图像提示（未设置混合选项，或处于增强模式）。',
      ),
    );
  }

  // Stage B.
  if (r.enhance_checkbox || tab === 'enhance') {
    const before = r.enhance_uov_processing_order === 'Before First Enhancement';
    const hasUov = r.enhance_uov_method !== 'Disabled';
    if (hasUov && before) head = addUov(b, r, r.enhance_uov_method, 'enhance', head);
    for (const c of r.enhance_ctrls.filter((x) => x.enhance_enabled).slice(0, 3)) {
      const params = { enabled: true, ...c, method: enhanceMethodOf(c as never) };
      delete (params as Record<string, unknown>).enhance_enabled;
      const region = b.add('enhanceRegion', params);
      b.wire(head, region);
      head = region;
    }
    if (hasUov && !before) head = addUov(b, r, r.enhance_uov_method, 'enhance', head);
  }
  const out = b.add('output', { save_final_enhanced_image_only: r.save_final_enhanced_image_only });
  b.wire(head, out);
  return { ok: true, workflow: b.build(name), notes };
}

function addUov(
  b: GraphBuilder,
  r: CommonRequest,
  method: string,
  runIn: 'main' | 'enhance',
  input: string,
): string {
  const isVary = method.startsWith('Vary');
  const id = isVary
    ? b.add('vary', {
        method,
        runIn,
        strength: r.overwrite_vary_strength > 0 ? r.overwrite_vary_strength : -1,
        promptType: r.enhance_uov_prompt_type,
      })
    : b.add('upscale', {
        method,
        runIn,
        factor: r.upscale_multiple,
        strength: r.overwrite_upscale_strength > 0 ? r.overwrite_upscale_strength : -1,
        promptType: r.enhance_uov_prompt_type,
      });
  b.wire(input, id);
  return id;
}

function inpaintParams(r: CommonRequest): Record<string, unknown> {
  const p = {
    inpaint_engine: r.inpaint_engine,
    inpaint_strength: r.inpaint_strength,
    inpaint_respective_field: r.inpaint_respective_field,
    inpaint_disable_initial_latent: r.inpaint_disable_initial_latent,
    inpaint_erode_or_dilate: r.inpaint_erode_or_dilate,
    inpaint_additional_prompt: r.inpaint_additional_prompt,
    outpaint_selections: r.outpaint_selections,
    outpaint_distance:
      r.outpaint_distance.length >= 4
        ? r.outpaint_distance.slice(0, 4).map((x) => Math.max(0, x))
        : [0, 0, 0, 0],
  };
  return { ...p, method: inpaintMethodOf(p as never) };
}

const IGNORED: Record<string, LocalText> = {
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

function ignored(r: CommonRequest, notes: LocalText[], what: string[]): void {
  for (const w of what) {
    const present =
      (w === 'uov' && isImageGiven(r.uov_input_image)) ||
      (w === 'inpaint' && isImageGiven(r.inpaint_input_image)) ||
      (w === 'ip' && r.controlnet_image.some((s) => isImageGiven(s.cn_img)));
    if (present) notes.push(IGNORED[w]!);
  }
}
