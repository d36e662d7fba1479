/** Step 3: the graph — one node per step the server would really run, wired as a chain. */
import { setParam } from '../../nodes/set-param.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { t } from '../../nodes/field.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { PROMPT_SETTINGS_FIELDS } from '../../nodes/kinds/prompt-settings.ts';
import type { LocalText } from '../../nodes/types.ts';
import { CN_TYPE_DEFAULTS, CONTROLNET_SLOTS, ENHANCE_TABS } from '../../contract/enums.ts';
import { isImageGiven, type CommonRequest } from '../../contract/fields.ts';
import { defaultRequest } from '../../contract/schema.ts';
import { enhanceNotes, ignored, presetNote } from './notes.ts';
import { addUov, inpaintParams } from './steps.ts';
import { adder } from './adder.ts';
// ---------- the graph ----------

export function build(r: CommonRequest, name: string, notes: LocalText[]): Workflow {
  const b = new GraphBuilder();
  const add = adder(b);

  // Settings node: only when the request sets something, or when it is the text-to-image source.
  const defaults = defaultRequest();
  const settingsParams: Record<string, unknown> = {};
  for (const f of PROMPT_SETTINGS_FIELDS) {
    const v = r[f as keyof CommonRequest];
    if (JSON.stringify(v) !== JSON.stringify(defaults[f as keyof CommonRequest])) settingsParams[f] = v;
  }
  if (
    typeof settingsParams.image_seed === 'number' &&
    (settingsParams.image_seed < 0 || settingsParams.image_seed > Number.MAX_SAFE_INTEGER)
  ) {
    delete settingsParams.image_seed;
  }
  presetNote(r, notes);
  // The server pads or cuts the list to 4 slots: a 5th image is dropped (contract §3.3).
  const slots = r.controlnet_image.slice(0, CONTROLNET_SLOTS).filter((s) => isImageGiven(s.cn_img));
  if (r.controlnet_image.slice(CONTROLNET_SLOTS).some((s) => isImageGiven(s.cn_img)))
    notes.push(
      t(
        'controlnet_image has images after slot 4: the server keeps only the first 4 slots, so they are dropped.',
        'controlnet_image 在第 4 个槽位之后还有图像：服务器只保留前 4 个槽位，这些会被丢弃。',
      ),
    );
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
  if (needSettings) settingsId = add('promptSettings', settingsParams, (p) => p);
  let head: string;
  const mainNodes: string[] = [];

  if (tab === 'enhance') {
    head = add('inputImage', { image: r.enhance_input_image }, () => 'enhance_input_image');
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
    const image = add('inputImage', { image: src }, () =>
      runsUov ? 'uov_input_image' : 'inpaint_input_image',
    );
    head = image;
    if (runsUov) {
      head = addUov(b, add, r, r.uov_method, 'main', head);
      mainNodes.push(head);
    }
    if (runsInpaint) {
      const node = add('inpaint', inpaintParams(r), (p) => (p === 'method' ? 'inpaint_engine' : p));
      b.wire(head, node);
      if (hasMask) {
        const maskImage =
          r.inpaint_input_image !== src
            ? add(
                'inputImage',
                { image: r.inpaint_input_image },
                () => 'inpaint_input_image',
                'Inpaint image',
              )
            : image;
        const mask = add('mask', { image: r.inpaint_mask_image_upload }, () => 'inpaint_mask_image_upload');
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
    for (const s of slots) {
      const type = s.cn_type as keyof typeof CN_TYPE_DEFAULTS;
      const at = `controlnet_image[${r.controlnet_image.indexOf(s)}]`;
      const ref = add('inputImage', { image: s.cn_img }, () => `${at}.cn_img`, 'Reference');
      const ip = add(
        'imagePrompt',
        {
          cn_type: type,
          cn_stop: s.cn_stop ?? CN_TYPE_DEFAULTS[type].stop,
          cn_weight: s.cn_weight ?? CN_TYPE_DEFAULTS[type].weight,
        },
        (p) => `${at}.${p}`,
      );
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

  // Stage B. The worker reads exactly the first 3 enhance_ctrls items (G-17).
  enhanceNotes(r, tab, notes);
  if (r.enhance_checkbox || tab === 'enhance') {
    const before = r.enhance_uov_processing_order === 'Before First Enhancement';
    const hasUov = r.enhance_uov_method !== 'Disabled';
    if (hasUov && before) head = addUov(b, add, r, r.enhance_uov_method, 'enhance', head);
    r.enhance_ctrls.slice(0, ENHANCE_TABS).forEach((c, i) => {
      if (!c.enhance_enabled) return;
      const { enhance_enabled: _enabled, ...fields } = c;
      // The Method follows the four preset fields, through the same coupled-field rules as the editor.
      const params = setParam(
        'enhanceRegion',
        { enabled: true, ...fields },
        'enhance_inpaint_engine',
        c.enhance_inpaint_engine,
      );
      const region = add('enhanceRegion', params, (p) =>
        p === 'method'
          ? `enhance_ctrls[${i}].enhance_inpaint_engine`
          : `enhance_ctrls[${i}].${p === 'enabled' ? 'enhance_enabled' : p}`,
      );
      b.wire(head, region);
      head = region;
    });
    if (hasUov && !before) head = addUov(b, add, r, r.enhance_uov_method, 'enhance', head);
  }
  const out = add(
    'output',
    { save_final_enhanced_image_only: r.save_final_enhanced_image_only },
    () => 'save_final_enhanced_image_only',
  );
  b.wire(head, out);
  return b.build(name);
}
