import { createHash } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { dragFromPalette, docOf, inspectorField, openBlank, request, selectNode, wire } from './helpers.ts';

/**
 * The seed scenarios (shared/seeds), built from an empty canvas with the palette and wires as a user
 * would, then checked against the request fields the seed documents send.
 */
const UOV_IMAGE = 'http://localhost:7866/outputs/2024-07-26/2024-07-26_16-13-33_3951.png';
const REF_IMAGE = 'http://localhost:7866/outputs/2024-07-27/2024-07-26_16-13-33_3951.png';
// A 1×1 white PNG: white = repaint.
const MASK_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAWk1v8QAAAABJRU5ErkJggg==',
  'base64',
);
const MASK_REF = `asset:${createHash('sha256').update(MASK_PNG).digest('hex')}`;
const SEED_IMAGE_PROMPT = { cn_img: REF_IMAGE, cn_stop: 0.5, cn_weight: 0.6, cn_type: 'ImagePrompt' };

async function setUrl(page: Page, nodeId: string, url: string) {
  await selectNode(page, nodeId);
  const input = page.locator('.inspector input[type="url"]');
  await input.fill(url);
  await input.press('Tab');
  await expect
    .poll(async () => (await docOf(page)).nodes.find((n) => n.id === nodeId)?.params.image)
    .toBe(url);
}

async function uploadMask(page: Page, nodeId: string) {
  await selectNode(page, nodeId);
  await page
    .locator('.inspector input[type="file"]')
    .setInputFiles({ name: 'mask.png', mimeType: 'image/png', buffer: MASK_PNG });
  // The document refers to the stored image; the request carries its bytes (prepared mask).
  await expect
    .poll(async () => String((await docOf(page)).nodes.find((n) => n.id === nodeId)?.params.image))
    .toMatch(/^asset:[0-9a-f]{64}$/);
}

/** Reference image → Image Prompt → the given node's image-prompt input, with the seed's stop/weight. */
async function addImagePrompt(page: Page, target: string) {
  const ref = await dragFromPalette(page, 'inputImage');
  const ip = await dragFromPalette(page, 'imagePrompt');
  await wire(page, ref, 'image', ip, 'image');
  await wire(page, ip, 'imagePrompt', target, 'imagePrompts');
  await setUrl(page, ref, REF_IMAGE);
  await selectNode(page, ip);
  await inspectorField(page, ip, 'cn_stop').locator('xpath=..').locator('input[type="number"]').fill('0.5');
  await inspectorField(page, ip, 'cn_weight').locator('xpath=..').locator('input[type="number"]').fill('0.6');
  return { ref, ip };
}

test('Vary (Strong) + Image Prompt, built by hand, compiles to the seed request', async ({ page }) => {
  await openBlank(page);
  const settings = await dragFromPalette(page, 'promptSettings');
  const img = await dragFromPalette(page, 'inputImage');
  const vary = await dragFromPalette(page, 'vary');
  const out = await dragFromPalette(page, 'output');
  await wire(page, img, 'image', vary, 'image');
  await wire(page, vary, 'image', out, 'image');
  await addImagePrompt(page, vary);
  await setUrl(page, img, UOV_IMAGE);
  await selectNode(page, vary);
  await page.locator(`#i-${vary}-method`).selectOption('Vary (Strong)');
  expect(settings).toBe('promptSettings-1');

  const req = await request(page);
  expect(req).toMatchObject({
    uov_input_image: UOV_IMAGE,
    uov_method: 'Vary (Strong)',
    mixing_image_prompt_and_vary_upscale: true,
  });
  expect((req.controlnet_image as unknown[])[0]).toEqual(SEED_IMAGE_PROMPT);
  expect(req).not.toHaveProperty('inpaint_input_image');
});

test('Inpaint + Image Prompt, built by hand, compiles to the seed request', async ({ page }) => {
  await openBlank(page);
  await dragFromPalette(page, 'promptSettings');
  const img = await dragFromPalette(page, 'inputImage');
  const mask = await dragFromPalette(page, 'mask');
  const inpaint = await dragFromPalette(page, 'inpaint');
  const out = await dragFromPalette(page, 'output');
  await wire(page, img, 'image', inpaint, 'image');
  await wire(page, img, 'image', mask, 'image');
  await wire(page, mask, 'mask', inpaint, 'mask');
  await wire(page, inpaint, 'image', out, 'image');
  await addImagePrompt(page, inpaint);
  await setUrl(page, img, REF_IMAGE);
  await uploadMask(page, mask);

  const req = await request(page);
  expect(req).toMatchObject({ inpaint_input_image: REF_IMAGE, mixing_image_prompt_and_inpaint: true });
  // The compiled request names the stored mask; its bytes (this PNG) are put in when it is sent.
  expect(req.inpaint_mask_image_upload).toBe(MASK_REF);
  expect((req.controlnet_image as unknown[])[0]).toEqual(SEED_IMAGE_PROMPT);
  expect(req).not.toHaveProperty('uov_method');
});

test('everything mixed (Vary + Inpaint + Image Prompt), built by hand, compiles to the seed request', async ({
  page,
}) => {
  await openBlank(page);
  await dragFromPalette(page, 'promptSettings');
  const img = await dragFromPalette(page, 'inputImage');
  const vary = await dragFromPalette(page, 'vary');
  const mask = await dragFromPalette(page, 'mask');
  const inpaint = await dragFromPalette(page, 'inpaint');
  const out = await dragFromPalette(page, 'output');
  await wire(page, img, 'image', vary, 'image');
  await wire(page, vary, 'image', inpaint, 'image');
  await wire(page, img, 'image', mask, 'image');
  await wire(page, mask, 'mask', inpaint, 'mask');
  await wire(page, inpaint, 'image', out, 'image');
  await addImagePrompt(page, vary);
  await setUrl(page, img, UOV_IMAGE);
  await uploadMask(page, mask);
  await selectNode(page, vary);
  await page.locator(`#i-${vary}-method`).selectOption('Vary (Strong)');
  await page.locator(`#i-${vary}-runIn`).selectOption('main');
  // The documents' request, exactly: a new workflow would split Vary → Inpaint into two steps.
  // A click on empty canvas (wherever layout left room) shows the workflow's own settings.
  await page.locator('.react-flow__pane').dispatchEvent('click');
  await page.getByRole('radio', { name: /One request, as Fooocus would/ }).check();

  const req = await request(page);
  expect(req).toMatchObject({
    uov_input_image: UOV_IMAGE,
    uov_method: 'Vary (Strong)',
    inpaint_input_image: UOV_IMAGE,
    mixing_image_prompt_and_vary_upscale: true,
    mixing_image_prompt_and_inpaint: true,
  });
  expect(req.inpaint_mask_image_upload).toBe(MASK_REF);
  expect((req.controlnet_image as unknown[])[0]).toEqual(SEED_IMAGE_PROMPT);
  // The compiler says on the Vary node what Fooocus really runs (the inpaint overwrites the vary latent).
  await expect(page.locator(`.react-flow__node[data-id="${vary}"] .badge`)).toBeVisible();
});

test('Enhance chain (Vary → face → mouse → eye), built by hand, compiles to the seed request', async ({
  page,
}) => {
  await openBlank(page);
  await dragFromPalette(page, 'promptSettings');
  const img = await dragFromPalette(page, 'inputImage');
  const vary = await dragFromPalette(page, 'vary');
  const regions: string[] = [];
  for (const word of ['face', 'mouse', 'eye']) {
    const r = await dragFromPalette(page, 'enhanceRegion');
    regions.push(r);
    await selectNode(page, r);
    const field = page.locator(`#i-${r}-enhance_mask_dino_prompt`);
    await field.fill(word);
    await field.blur();
  }
  const out = await dragFromPalette(page, 'output');
  await wire(page, img, 'image', vary, 'image');
  await wire(page, vary, 'image', regions[0]!, 'image');
  await wire(page, regions[0]!, 'image', regions[1]!, 'image');
  await wire(page, regions[1]!, 'image', regions[2]!, 'image');
  await wire(page, regions[2]!, 'image', out, 'image');
  await setUrl(page, img, 'http://localhost:7866/outputs/2024-07-28/2024-07-28_23-44-02_9377.png');
  await selectNode(page, vary);
  await page.locator(`#i-${vary}-method`).selectOption('Vary (Strong)');

  const req = await request(page);
  expect(req).toMatchObject({
    enhance_input_image: 'http://localhost:7866/outputs/2024-07-28/2024-07-28_23-44-02_9377.png',
    enhance_checkbox: true,
    enhance_uov_method: 'Vary (Strong)',
    enhance_uov_processing_order: 'Before First Enhancement',
    enhance_uov_prompt_type: 'Original Prompts',
  });
  const seedCtrl = (word: string) => ({
    enhance_enabled: true,
    enhance_mask_dino_prompt: word,
    enhance_prompt: '',
    enhance_negative_prompt: '',
    enhance_mask_model: 'sam',
    enhance_mask_cloth_category: 'full',
    enhance_mask_sam_model: 'vit_b',
    enhance_mask_text_threshold: 0.25,
    enhance_mask_box_threshold: 0.3,
    enhance_mask_sam_max_detections: 0,
    enhance_inpaint_disable_initial_latent: false,
    enhance_inpaint_engine: 'v2.6',
    enhance_inpaint_strength: 1.0,
    enhance_inpaint_respective_field: 0.618,
    enhance_inpaint_erode_or_dilate: 0.0,
    enhance_mask_invert: false,
  });
  expect(req.enhance_ctrls).toEqual(['face', 'mouse', 'eye'].map(seedCtrl));
  expect(req).not.toHaveProperty('uov_method');
});

test('plain text to image, built by hand, sends the prompt', async ({ page }) => {
  await openBlank(page);
  const s = await dragFromPalette(page, 'promptSettings');
  const out = await dragFromPalette(page, 'output');
  await wire(page, s, 'image', out, 'image');
  const prompt = page.locator(`#n-${s}-prompt`);
  await prompt.fill('a lighthouse on a cliff at dawn');
  await prompt.blur();
  const req = await request(page);
  expect(req.prompt).toBe('a lighthouse on a cliff at dawn');
  await expect(page.locator('.problems .hint.ok')).toBeVisible();
});
