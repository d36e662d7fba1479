/**
 * Result counts and sizes (fooocus-semantics §1.5, §2.3, §3.1, §3.4): what the simulated worker
 * returns per mode, decoded with sharp. Also the seed examples of shared/seeds/README.md, with small
 * generated PNG data URLs in place of their URLs, and the failures that finish with [].
 */
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { generate, maskDataUrl, pngDataUrl, sizesOf } from './helpers.ts';

let sim: SimEngine;
let photo: string; // 640×480
let small: string; // 300×200
let smallMask: string;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 0 });
  photo = await pngDataUrl(640, 480);
  small = await pngDataUrl(300, 200, '#cc8833');
  smallMask = await maskDataUrl(300, 200);
});
afterAll(() => sim.close());

const size = (width: number, height: number) => ({ width, height });
async function run(body: Record<string, unknown>) {
  const rec = await generate(sim.url, { image_seed: 11, ...body });
  expect(rec.task_status).toBe('finished');
  return (await sizesOf(rec.result!)).map(({ width, height }) => size(width, height));
}

describe('main pass sizes and counts', () => {
  it('text-to-image: image_number images at the aspect ratio', async () => {
    expect(await run({ aspect_ratios_selection: '1152*896', image_number: 2 })).toEqual([
      size(1152, 896),
      size(1152, 896),
    ]);
  });

  it('output_format decides the file type', async () => {
    const rec = await generate(sim.url, { output_format: 'jpeg', aspect_ratios_selection: '512*512' });
    expect(rec.result![0]).toMatch(
      /\/outputs\/\d{4}-\d{2}-\d{2}\/\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_\d{4}\.jpeg$/,
    );
    expect((await sizesOf(rec.result!))[0]!.format).toBe('jpeg');
  });

  it('Vary (Strong) on 640×480 lands in the 1024 band in multiples of 64', async () => {
    expect(await run({ uov_input_image: photo, uov_method: 'Vary (Strong)' })).toEqual([size(1152, 832)]);
  });

  it('Upscale (2x) doubles; Upscale (1.5x) of a small image is lifted to the 1024 band', async () => {
    expect(await run({ uov_input_image: photo, uov_method: 'Upscale (2x)', image_number: 2 })).toEqual([
      size(1280, 960),
      size(1280, 960),
    ]);
    expect(await run({ uov_input_image: photo, uov_method: 'Upscale (1.5x)' })).toEqual([size(1152, 896)]);
  });

  it('Upscale (Fast 2x) returns one image whatever image_number is', async () => {
    expect(await run({ uov_input_image: photo, uov_method: 'Upscale (Fast 2x)', image_number: 3 })).toEqual([
      size(1280, 960),
    ]);
  });

  it('Upscale (Custom): factors ending in 2 are 2x; above 2800 px the SR image comes back alone', async () => {
    expect(
      await run({ uov_input_image: photo, uov_method: 'Upscale (Custom)', upscale_multiple: 1.2 }),
    ).toEqual([size(1280, 960)]);
    expect(
      await run({ uov_input_image: photo, uov_method: 'Upscale (Custom)', upscale_multiple: 3 }),
    ).toEqual([size(1920, 1440)]);
    expect(
      await run({
        uov_input_image: photo,
        uov_method: 'Upscale (Custom)',
        upscale_multiple: 5,
        image_number: 2,
      }),
    ).toEqual([size(3200, 2400)]);
  });

  it('inpaint keeps the input size', async () => {
    expect(
      await run({ inpaint_input_image: small, inpaint_mask_image_upload: smallMask, image_number: 2 }),
    ).toEqual([size(300, 200), size(300, 200)]);
  });

  it('outpaint Left+Top grows by the given distances ([left, top, right, bottom]) or 30 %', async () => {
    expect(
      await run({
        inpaint_input_image: small,
        outpaint_selections: ['Left', 'Top'],
        outpaint_distance: [100, 50, 70, 70],
      }),
    ).toEqual([size(400, 250)]);
    expect(await run({ inpaint_input_image: small, outpaint_selections: ['Left', 'Top'] })).toEqual([
      size(390, 260),
    ]);
  });
});

describe('outcome table (§1.5)', () => {
  it('an image prompt without the mixing flag ignores uov: text-to-image at the aspect ratio', async () => {
    const cn = [{ cn_img: small, cn_stop: 0.5, cn_weight: 0.6, cn_type: 'ImagePrompt' }];
    expect(await run({ uov_input_image: photo, uov_method: 'Vary (Strong)', controlnet_image: cn })).toEqual([
      size(1152, 896),
    ]);
  });

  it('the inpaint mixing flag with only an image prompt crashes: finished, empty', async () => {
    const cn = [{ cn_img: small, cn_stop: 0.5, cn_weight: 0.6, cn_type: 'ImagePrompt' }];
    expect(await run({ controlnet_image: cn, mixing_image_prompt_and_inpaint: true })).toEqual([]);
  });

  it('uov and inpaint without an image prompt: uov only', async () => {
    expect(
      await run({
        uov_input_image: photo,
        uov_method: 'Vary (Subtle)',
        inpaint_input_image: small,
        inpaint_mask_image_upload: smallMask,
      }),
    ).toEqual([size(1152, 832)]);
  });

  it('inpaint with an all-black mask and no outpaint, or uov Disabled: plain text-to-image', async () => {
    const black = await maskDataUrl(300, 200, false);
    expect(
      await run({
        inpaint_input_image: small,
        inpaint_mask_image_upload: black,
        aspect_ratios_selection: '1024*1024',
      }),
    ).toEqual([size(1024, 1024)]);
    expect(await run({ uov_input_image: photo, aspect_ratios_selection: '1024*1024' })).toEqual([
      size(1024, 1024),
    ]);
  });
});

describe('seed examples (shared/seeds/README.md)', () => {
  const cn = () => [{ cn_img: small, cn_stop: 0.5, cn_weight: 0.6, cn_type: 'ImagePrompt' }];

  it('MixImagePrompt: Vary (Strong) + image prompt with the vary flag', async () => {
    expect(
      await run({
        uov_input_image: photo,
        uov_method: 'Vary (Strong)',
        mixing_image_prompt_and_vary_upscale: true,
        controlnet_image: cn(),
      }),
    ).toEqual([size(1152, 832)]);
  });

  it('MixImagePrompt: inpaint + image prompt with the inpaint flag', async () => {
    expect(
      await run({
        inpaint_input_image: small,
        inpaint_mask_image_upload: smallMask,
        mixing_image_prompt_and_inpaint: true,
        controlnet_image: cn(),
      }),
    ).toEqual([size(300, 200)]);
  });

  it('MixImagePrompt "everything mixed": inpaint overwrites the vary', async () => {
    expect(
      await run({
        inpaint_input_image: small,
        inpaint_mask_image_upload: smallMask,
        uov_input_image: photo,
        uov_method: 'Vary (Strong)',
        mixing_image_prompt_and_vary_upscale: true,
        mixing_image_prompt_and_inpaint: true,
        controlnet_image: cn(),
      }),
    ).toEqual([size(300, 200)]);
  });

  it('ImageEnhance: Vary (Strong) → face → "mouse" (not found, skipped) → eye = 3 images', async () => {
    const ctrl = (prompt: string) => ({
      enhance_enabled: true,
      enhance_mask_dino_prompt: prompt,
      enhance_mask_model: 'sam',
      enhance_inpaint_engine: 'v2.6',
    });
    expect(
      await run({
        enhance_input_image: photo,
        enhance_checkbox: true,
        enhance_uov_method: 'Vary (Strong)',
        enhance_uov_processing_order: 'Before First Enhancement',
        enhance_uov_prompt_type: 'Original Prompts',
        enhance_ctrls: [ctrl('face'), ctrl('mouse'), ctrl('eye')],
      }),
    ).toEqual([size(1152, 832), size(1152, 832), size(1152, 832)]);
  });
});

describe('enhance counts (§2.3)', () => {
  const region = (prompt: string, model = 'sam') => ({
    enhance_enabled: true,
    enhance_mask_dino_prompt: prompt,
    enhance_mask_model: model,
  });

  it('generated mode: N + N·(U + K)', async () => {
    const sizes = await run({
      image_number: 2,
      aspect_ratios_selection: '512*512',
      enhance_checkbox: true,
      enhance_uov_method: 'Upscale (2x)',
      enhance_uov_processing_order: 'After Last Enhancement',
      enhance_ctrls: [region('hands'), region('car'), region('anything', 'u2net')],
    });
    // 2 main + per image: hands, u2net region, upscale after
    expect(sizes).toEqual([
      size(512, 512),
      size(512, 512),
      size(512, 512),
      size(512, 512),
      size(1024, 1024),
      size(512, 512),
      size(512, 512),
      size(1024, 1024),
    ]);
  });

  it('enhance-input mode forces one image and never echoes the input', async () => {
    expect(
      await run({
        enhance_input_image: small,
        enhance_checkbox: true,
        image_number: 4,
        enhance_ctrls: [region('face')],
      }),
    ).toEqual([size(300, 200)]);
    expect(await run({ enhance_input_image: small, enhance_ctrls: [region('face')] })).toEqual([]);
  });

  it('final-only keeps one image per chain', async () => {
    expect(
      await run({
        image_number: 2,
        aspect_ratios_selection: '512*512',
        enhance_checkbox: true,
        save_final_enhanced_image_only: true,
        enhance_ctrls: [region('face'), region('eye')],
      }),
    ).toHaveLength(2);
  });

  it('final-only zero-image cases: nothing enabled (G-20), uov before with no regions, last region not found', async () => {
    const finalOnly = {
      aspect_ratios_selection: '512*512',
      enhance_checkbox: true,
      save_final_enhanced_image_only: true,
    };
    expect(await run(finalOnly)).toEqual([]);
    expect(await run({ ...finalOnly, enhance_uov_method: 'Vary (Subtle)' })).toEqual([]);
    expect(await run({ ...finalOnly, enhance_ctrls: [region('face'), region('tree')] })).toEqual([]);
    expect(
      await run({
        ...finalOnly,
        enhance_uov_method: 'Vary (Subtle)',
        enhance_uov_processing_order: 'After Last Enhancement',
      }),
    ).toEqual([size(1024, 1024)]);
  });
});

describe('worker failures finish with []', () => {
  it.each([
    ['an unknown style', { style_selections: ['Fooocus V2', 'No Such Style'] }],
    ['aspect text with a letter x', { aspect_ratios_selection: '1152x896' }],
    ['a base model that is not installed', { base_model_name: 'missing.safetensors' }],
    ['a bad refiner_swap_method', { refiner_swap_method: 'swap' }],
  ])('%s', async (_name, body) => {
    expect(await run(body)).toEqual([]);
  });

  it('a bad inpaint engine, a mask of the wrong size', async () => {
    expect(
      await run({ inpaint_input_image: small, inpaint_mask_image_upload: smallMask, inpaint_engine: 'v3' }),
    ).toEqual([]);
    const wrong = await maskDataUrl(200, 300);
    expect(await run({ inpaint_input_image: small, inpaint_mask_image_upload: wrong })).toEqual([]);
  });

  it('a bad engine in the second enhance region keeps the images made before it', async () => {
    const sizes = await run({
      aspect_ratios_selection: '512*512',
      enhance_checkbox: true,
      enhance_ctrls: [
        { enhance_enabled: true, enhance_mask_dino_prompt: 'face' },
        { enhance_enabled: true, enhance_mask_dino_prompt: 'eye', enhance_inpaint_engine: 'v9' },
      ],
    });
    expect(sizes).toHaveLength(2);
  });
});
