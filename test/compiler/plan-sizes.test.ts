/**
 * Predicted sizes for Vary/Upscale + Inpaint in the main pass (fooocus-semantics §1.6, G-3, G-28):
 * the Inpaint overwrites the uov latent and size, and the worker pastes its crop back into the
 * INPAINT image, so that image's size (not the Vary's) is what comes out and what later nodes get.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { nodeImageAdapter } from '../../cli/node-image-adapter.ts';
import { prepareImages } from '../../compiler/prepare/prepare.ts';
import { varySize } from '../../contract/sizes.ts';
import { GraphBuilder } from '../../nodes/build.ts';

async function png(width: number, height: number, background: string): Promise<string> {
  const buf = await sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${buf.toString('base64')}`;
}

/** Input Image → Vary/Upscale → Inpaint (Mask drawn on `maskOn`) → Enhance region → Output, plus an Image Prompt. */
async function mixedGraph(uov: Record<string, unknown>, separateInpaintImage: boolean) {
  const b = new GraphBuilder();
  const source = b.add('inputImage', { image: await png(640, 480, '#3366cc') });
  const op = b.add(uov.method === 'Vary (Strong)' ? 'vary' : 'upscale', uov);
  const inp = b.add('inpaint');
  const mask = b.add('mask', { image: await png(320, 200, '#ffffff') });
  const region = b.add('enhanceRegion', { enhance_mask_dino_prompt: 'face' });
  const out = b.add('output');
  b.wire(source, op).wire(op, inp).wire(mask, inp, 'mask').wire(inp, region).wire(region, out);
  if (separateInpaintImage) b.wire(b.add('inputImage', { image: await png(320, 200, '#cc6633') }), mask);
  else b.wire(source, mask);
  b.wire(b.add('imagePrompt', { image: await png(64, 64, '#00ff00') }), inp, 'imagePrompts');
  b.add('promptSettings', { image_seed: 3 });
  return b.build('mixed');
}

async function planSizes(wf: Awaited<ReturnType<typeof mixedGraph>>) {
  const { images } = await prepareImages(wf, nodeImageAdapter);
  return compile(wf, { images }).plan.sizes;
}

describe('plan sizes: Vary + Inpaint in the main pass', () => {
  it('the output is the inpaint image size, not the Vary size', async () => {
    const sizes = await planSizes(await mixedGraph({ method: 'Vary (Strong)' }, false));
    expect(sizes['vary-1']).toEqual(varySize({ width: 640, height: 480 }));
    expect(sizes['vary-1']).not.toEqual({ width: 640, height: 480 });
    for (const id of ['inpaint-1', 'enhanceRegion-1', 'output-1'])
      expect(sizes[id], id).toEqual({ width: 640, height: 480 });
  });

  it('with the Mask drawn on another Input Image, that image decides the size', async () => {
    const sizes = await planSizes(await mixedGraph({ method: 'Vary (Strong)' }, true));
    for (const id of ['inpaint-1', 'enhanceRegion-1', 'output-1'])
      expect(sizes[id], id).toEqual({ width: 320, height: 200 });
  });

  it('an Upscale that returns early (Fast 2x) never reaches the Inpaint: its size stays', async () => {
    const sizes = await planSizes(await mixedGraph({ method: 'Upscale (Fast 2x)' }, false));
    expect(sizes['upscale-1']).toEqual({ width: 1280, height: 960 });
    expect(sizes['inpaint-1']).toEqual({ width: 1280, height: 960 });
  });
});
