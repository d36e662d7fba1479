import * as z from '../../contract/zod-mini.ts';
import { ASPECT_RATIOS, MAX_SAFE_SEED } from '../../contract/enums.ts';
import { field, t } from '../field.ts';
import type { NodeKind } from '../types.ts';
import { imagePromptsInput } from '../ports.ts';
import { requestParam } from '../request-field.ts';

const adv = 'advanced' as const;

export const promptSettings = {
  kind: 'promptSettings',
  version: 1,
  role: 'source',
  title: t('Prompt & Settings', '提示词与设置'),
  description: t(
    'The prompt and the settings shared by the whole request (model, performance, size, seed...). Wire its image output to start a text-to-image chain; without that wire it only supplies settings.',
    '整个请求共用的提示词与设置（模型、性能、尺寸、种子等）。连接其图像输出即开始文生图链条；不连接时只提供设置。',
  ),
  inputs: [imagePromptsInput],
  outputs: [{ id: 'image', type: 'image', label: t('Generated image', '生成的图像') }],
  params: z.object({
    prompt: requestParam('prompt', { label: t('Prompt', '提示词'), widget: 'textarea' }),
    negative_prompt: requestParam('negative_prompt', {
      label: t('Negative prompt', '反向提示词'),
      widget: 'textarea',
    }),
    style_selections: requestParam('style_selections', {
      label: t('Styles', '风格'),
      help: t(
        'Names from the server’s style list; an unknown name makes the run fail.',
        '须为服务器风格列表中的名称；未知名称会导致运行失败。',
      ),
      widget: 'styles',
    }),
    performance_selection: requestParam('performance_selection', {
      label: t('Performance', '性能'),
      help: t(
        'Steps: Quality 60, Speed 30, Extreme Speed / Lightning / Hyper-SD fewer (and they override sampler, CFG and sharpness).',
        '步数：质量 60，速度 30；极速 / Lightning / Hyper-SD 更少（并会覆盖采样器、CFG 与锐度）。',
      ),
    }),
    aspect_ratios_selection: field(
      z._default(z.string().check(z.regex(/^\d+\*\d+$/, 'must be "W*H", e.g. 1152*896')), '1152*896'),
      {
        label: t('Size (W*H)', '尺寸（宽*高）'),
        help: t(
          `Text-to-image size. Stock sizes: ${ASPECT_RATIOS.join(', ')}.`,
          `文生图尺寸。常用尺寸：${ASPECT_RATIOS.join('、')}。`,
        ),
      },
    ),
    image_number: requestParam('image_number', { label: t('Images', '图像数量'), widget: 'slider', step: 1 }),
    image_seed: field(z._default(z.int().check(z.minimum(-1), z.maximum(MAX_SAFE_SEED)), -1), {
      label: t('Seed (-1 = random)', '种子（-1 = 随机）'),
      help: t(
        'Image i uses seed + i. A random seed is chosen for every run and kept with its results.',
        '第 i 张图使用 种子 + i。随机种子在每次运行时选定，并随结果保存。',
      ),
      widget: 'seed',
    }),
    base_model_name: requestParam('base_model_name', { label: t('Base model', '基础模型'), widget: 'model' }),
    refiner_model_name: requestParam('refiner_model_name', {
      label: t('Refiner', '精炼模型'),
      widget: 'model',
      group: adv,
    }),
    refiner_switch: requestParam('refiner_switch', {
      label: t('Refiner switch', '精炼切换点'),
      widget: 'slider',
      step: 0.01,
      group: adv,
    }),
    loras: requestParam('loras', { label: t('LoRAs', 'LoRA'), widget: 'loras' }),
    guidance_scale: requestParam('guidance_scale', {
      label: t('Guidance (CFG)', '引导系数（CFG）'),
      widget: 'slider',
      step: 0.1,
    }),
    sharpness: requestParam('sharpness', { label: t('Sharpness', '锐度'), widget: 'slider', step: 0.1 }),
    sampler_name: requestParam('sampler_name', { label: t('Sampler', '采样器'), group: adv }),
    scheduler_name: requestParam('scheduler_name', { label: t('Scheduler', '调度器'), group: adv }),
    output_format: requestParam('output_format', { label: t('Output format', '输出格式') }),
    vae_name: requestParam('vae_name', { label: t('VAE', 'VAE'), group: adv }),
    adaptive_cfg: requestParam('adaptive_cfg', { label: t('Adaptive CFG', '自适应 CFG'), group: adv }),
    adm_scaler_positive: requestParam('adm_scaler_positive', {
      label: t('ADM positive', 'ADM 正向'),
      group: adv,
    }),
    adm_scaler_negative: requestParam('adm_scaler_negative', {
      label: t('ADM negative', 'ADM 反向'),
      group: adv,
    }),
    adm_scaler_end: requestParam('adm_scaler_end', { label: t('ADM end', 'ADM 结束'), group: adv }),
    clip_skip: requestParam('clip_skip', { label: t('CLIP skip', 'CLIP 跳过层'), group: adv }),
    refiner_swap_method: requestParam('refiner_swap_method', {
      label: t('Refiner swap method', '精炼切换方式'),
      group: adv,
    }),
    overwrite_step: requestParam('overwrite_step', {
      label: t('Steps override (-1 = off)', '步数覆盖（-1 = 关）'),
      group: adv,
    }),
    overwrite_switch: requestParam('overwrite_switch', {
      label: t('Refiner switch step (-1 = off)', '精炼切换步（-1 = 关）'),
      group: adv,
    }),
    overwrite_width: requestParam('overwrite_width', {
      label: t('Width override (-1 = off)', '宽度覆盖（-1 = 关）'),
      group: adv,
    }),
    overwrite_height: requestParam('overwrite_height', {
      label: t('Height override (-1 = off)', '高度覆盖（-1 = 关）'),
      group: adv,
    }),
    controlnet_softness: requestParam('controlnet_softness', {
      label: t('ControlNet softness', 'ControlNet 柔和度'),
      group: adv,
    }),
    canny_low_threshold: requestParam('canny_low_threshold', {
      label: t('Canny low', 'Canny 下限'),
      group: adv,
    }),
    canny_high_threshold: requestParam('canny_high_threshold', {
      label: t('Canny high', 'Canny 上限'),
      group: adv,
    }),
    skipping_cn_preprocessor: requestParam('skipping_cn_preprocessor', {
      label: t('Skip image-prompt preprocessing', '跳过图像提示预处理'),
      group: adv,
    }),
    freeu_enabled: requestParam('freeu_enabled', { label: t('FreeU', 'FreeU'), group: adv }),
    freeu_b1: requestParam('freeu_b1', { label: t('FreeU b1', 'FreeU b1'), group: adv }),
    freeu_b2: requestParam('freeu_b2', { label: t('FreeU b2', 'FreeU b2'), group: adv }),
    freeu_s1: requestParam('freeu_s1', { label: t('FreeU s1', 'FreeU s1'), group: adv }),
    freeu_s2: requestParam('freeu_s2', { label: t('FreeU s2', 'FreeU s2'), group: adv }),
    dino_erode_or_dilate: requestParam('dino_erode_or_dilate', {
      label: t('Detection box erode/dilate', '检测框腐蚀/膨胀'),
      group: adv,
    }),
    debugging_dino: requestParam('debugging_dino', {
      label: t('Use detection boxes as masks', '以检测框作为蒙版'),
      group: adv,
    }),
    debugging_enhance_masks_checkbox: requestParam('debugging_enhance_masks_checkbox', {
      label: t('Debug enhance masks', '调试增强蒙版'),
      group: adv,
    }),
    read_wildcards_in_order: requestParam('read_wildcards_in_order', {
      label: t('Wildcards in order', '按顺序读取通配符'),
      group: adv,
    }),
    disable_seed_increment: requestParam('disable_seed_increment', {
      label: t('Same seed for every image', '每张图使用相同种子'),
      group: adv,
    }),
    disable_preview: requestParam('disable_preview', {
      label: t('No previews while running', '运行时不显示预览'),
      group: adv,
    }),
    disable_intermediate_results: requestParam('disable_intermediate_results', {
      label: t('No intermediate results', '不返回中间结果'),
      group: adv,
    }),
    black_out_nsfw: requestParam('black_out_nsfw', { label: t('Black out NSFW', '遮挡 NSFW'), group: adv }),
    save_metadata_to_images: requestParam('save_metadata_to_images', {
      label: t('Save metadata', '保存元数据'),
      group: adv,
    }),
    metadata_scheme: requestParam('metadata_scheme', {
      label: t('Metadata scheme', '元数据格式'),
      group: adv,
    }),
  }),
  inlineFields: ['prompt', 'performance_selection', 'aspect_ratios_selection', 'image_number'],
  singleton: true,
} as const satisfies NodeKind;

/** Every request field this node owns, in one list (for provenance and decompile). */
export const PROMPT_SETTINGS_FIELDS = Object.keys(
  promptSettings.params.shape,
) as (keyof typeof promptSettings.params.shape)[];
