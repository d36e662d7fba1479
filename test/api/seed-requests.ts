/**
 * The four request bodies of the seed documents (shared/seeds/README.md, kept verbatim in
 * test/fixtures/seeds/), with their image URLs replaced by small PNG data URLs made with sharp, and what a run of each must return
 * (fooocus-semantics.md §1.5, §1.6, §2.3, §3.1). Shared by the integration test and the bench.
 */
import sharp, { type Sharp } from 'sharp';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FooocusRequest } from '../../contract/index.ts';

export interface SeedExample {
  name: string;
  request: FooocusRequest;
  /** Result count and each image's size, in order. */
  expected: { width: number; height: number }[];
}

/** 96×64: Vary scales it to the 1024 "shape ceil" band, which for 3:2 is 1216×832 (semantics §3.1). */
const W = 96;
const H = 64;
const VARY_SIZE = { width: 1216, height: 832 };

async function pngDataUrl(make: Sharp): Promise<string> {
  return `data:image/png;base64,${(await make.png().toBuffer()).toString('base64')}`;
}

function solid(r: number, g: number, b: number): Sharp {
  return sharp({ create: { width: W, height: H, channels: 3, background: { r, g, b } } });
}

/** Black with a white square in the middle: white = repaint (contract §4.4). Same size as the image. */
function mask(): Sharp {
  const square = {
    input: { create: { width: 32, height: 32, channels: 3 as const, background: '#ffffff' } },
    left: 32,
    top: 16,
  };
  return sharp({ create: { width: W, height: H, channels: 3, background: '#000000' } }).composite([square]);
}

const FIXTURES = fileURLToPath(new URL('../fixtures/seeds/', import.meta.url));

/**
 * The seed's request body with every image replaced: the mask by a same-size mask, every other
 * image (URLs of the author's own server, a truncated data URL) by one generated photo.
 */
async function loadSeed(
  file: string,
  photo: string,
  paint: string,
  reference: string,
): Promise<FooocusRequest> {
  const body = JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
  for (const field of ['uov_input_image', 'inpaint_input_image', 'enhance_input_image'] as const) {
    if (typeof body[field] === 'string') body[field] = photo;
  }
  if (typeof body.inpaint_mask_image_upload === 'string') body.inpaint_mask_image_upload = paint;
  if (Array.isArray(body.controlnet_image)) {
    body.controlnet_image = body.controlnet_image.map((cn: Record<string, unknown>) => ({
      ...cn,
      cn_img: reference,
    }));
  }
  // Pinned: random server seeds exceed 2^53 and lose precision in JSON (contract §3.1).
  return { ...body, image_seed: 12345 } as FooocusRequest;
}

export async function seedExamples(): Promise<SeedExample[]> {
  const photo = await pngDataUrl(solid(180, 120, 90));
  const reference = await pngDataUrl(solid(40, 90, 200));
  const paint = await pngDataUrl(mask());
  const load = (file: string) => loadSeed(file, photo, paint, reference);
  return [
    {
      name: 'MixImagePrompt: vary + image prompt',
      request: await load('vary-image-prompt.json'),
      expected: [VARY_SIZE],
    },
    {
      name: 'MixImagePrompt: inpaint + image prompt',
      request: await load('inpaint-image-prompt.json'),
      // The inpainted crop is pasted back into the input: the input's size.
      expected: [{ width: W, height: H }],
    },
    {
      name: 'MixImagePrompt: everything mixed',
      request: await load('vary-inpaint-image-prompt.json'),
      // Inpaint overwrites the vary latent (semantics §1.6): an inpaint of the inpaint image.
      expected: [{ width: W, height: H }],
    },
    {
      name: 'ImageEnhance: vary → face → mouse → eye',
      request: await load('enhance-chain.json'),
      // "mouse" detects nothing and is skipped: vary + face + eye, each at the vary size.
      expected: [VARY_SIZE, VARY_SIZE, VARY_SIZE],
    },
  ];
}
