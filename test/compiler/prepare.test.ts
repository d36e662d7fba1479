/**
 * prepare with the Node adapter (sharp): image sizes measured; masks brought to the image size,
 * binarised and inverted when asked (G-6, G-7); an unreadable image is an error on its node.
 */
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { nodeImageAdapter } from '../../cli/node-image-adapter.ts';
import { prepareImages } from '../../compiler/prepare/prepare.ts';
import { withPrepareDiagnostics } from '../../compiler/prepare/merge.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { findDiag } from './helpers.ts';

async function dataUrl(img: Sharp): Promise<string> {
  return `data:image/png;base64,${(await img.png().toBuffer()).toString('base64')}`;
}

function solid(width: number, height: number, background: string) {
  return sharp({ create: { width, height, channels: 3, background } });
}

/** A mask whose left half is `left` and right half `right` (grey levels). */
function halves(width: number, height: number, left: number, right: number) {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      px.fill(x < width / 2 ? left : right, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return sharp(px, { raw: { width, height, channels: 3 } });
}

/** Distinct channel-0 values and the value at (x, y) of a prepared mask. */
async function pixels(url: string) {
  const { data, info } = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => data[(y * info.width + x) * info.channels]!;
  const values = new Set<number>();
  for (let i = 0; i < data.length; i += info.channels) values.add(data[i]!);
  return { width: info.width, height: info.height, at, values };
}

async function inpaintGraph(mask: string, invert = false, wireMaskToImage = true) {
  const b = new GraphBuilder();
  const i = b.add('inputImage', { image: await dataUrl(solid(64, 48, '#808080')) });
  const inp = b.add('inpaint');
  const m = b.add('mask', { image: mask, invert });
  b.wire(i, inp).wire(m, inp, 'mask').wire(inp, b.add('output'));
  if (wireMaskToImage) b.wire(i, m);
  b.add('promptSettings', { image_seed: 3 });
  return b.build('inpaint');
}

describe('prepareImages (Node adapter)', () => {
  it('measures image sizes', async () => {
    const wf = await inpaintGraph(await dataUrl(halves(64, 48, 255, 0)));
    const { images, diagnostics } = await prepareImages(wf, nodeImageAdapter);
    expect(diagnostics).toEqual([]);
    expect(images['inputImage-1']).toMatchObject({ width: 64, height: 48 });
  });

  it('resizes the mask to the image size (G-6)', async () => {
    const wf = await inpaintGraph(await dataUrl(halves(32, 24, 255, 0)));
    const { images } = await prepareImages(wf, nodeImageAdapter);
    expect(images['mask-1']).toMatchObject({ width: 64, height: 48 });
    const p = await pixels(images['mask-1']!.data);
    expect([p.width, p.height]).toEqual([64, 48]);
    expect(p.at(5, 5)).toBe(255);
    expect(p.at(60, 40)).toBe(0);
  });

  it('finds the image size through the Inpaint when the mask has no image wire', async () => {
    const wf = await inpaintGraph(await dataUrl(halves(16, 12, 255, 0)), false, false);
    const { images } = await prepareImages(wf, nodeImageAdapter);
    expect(images['mask-1']).toMatchObject({ width: 64, height: 48 });
  });

  it('binarises: grey above 127 becomes white, at or below becomes black', async () => {
    const wf = await inpaintGraph(await dataUrl(halves(64, 48, 200, 100)));
    const { images } = await prepareImages(wf, nodeImageAdapter);
    const p = await pixels(images['mask-1']!.data);
    expect([...p.values].sort((a, b) => a - b)).toEqual([0, 255]);
    expect(p.at(0, 0)).toBe(255);
    expect(p.at(63, 0)).toBe(0);
  });

  it('inverts when asked (the API ignores its own flag, G-7)', async () => {
    const wf = await inpaintGraph(await dataUrl(halves(64, 48, 255, 0)), true);
    const { images } = await prepareImages(wf, nodeImageAdapter);
    const p = await pixels(images['mask-1']!.data);
    expect(p.at(0, 0)).toBe(0);
    expect(p.at(63, 0)).toBe(255);
  });

  it('a mask with no white pixel warns that Fooocus would skip the inpaint (G-5)', async () => {
    const wf = await inpaintGraph(await dataUrl(solid(64, 48, '#000000')));
    const { diagnostics } = await prepareImages(wf, nodeImageAdapter);
    expect(findDiag(diagnostics, 'G-5', 'mask-1')?.severity).toBe('warning');
  });

  it('an undecodable data URL is an error diagnostic on its node', async () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: 'data:image/png;base64,bm90IGFuIGltYWdl' });
    b.wire(i, b.add('output'));
    const { images, diagnostics } = await prepareImages(b.build('x'), nodeImageAdapter);
    expect(images['inputImage-1']).toBeUndefined();
    const d = findDiag(diagnostics, 'S-bad-image', 'inputImage-1');
    expect(d).toMatchObject({ severity: 'error', field: 'image' });
    expect(d!.message.en).not.toBe('');
    expect(d!.message.zh).not.toBe('');
  });

  it('compile sends the prepared mask and sizes', async () => {
    const wf = await inpaintGraph(await dataUrl(halves(32, 24, 255, 0)), true);
    const { images } = await prepareImages(wf, nodeImageAdapter);
    const r = compile(wf, { images });
    expect(r.ok).toBe(true);
    expect(r.request.inpaint_mask_image_upload).toBe(images['mask-1']!.data);
    expect(r.plan.sizes['inpaint-1']).toEqual({ width: 64, height: 48 });
    // Prepared: same size now, inversion done, so neither G-6 nor G-7 is left to report.
    expect(findDiag(r.diagnostics, 'G-6')).toBeUndefined();
    expect(findDiag(r.diagnostics, 'G-7')).toBeUndefined();
  });

  it('without prepare, a known size mismatch and an invert are reported as auto-fixes (G-6, G-7)', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: 'data:image/png;base64,AA', width: 64, height: 48 });
    const inp = b.add('inpaint');
    const m = b.add('mask', { image: 'data:image/png;base64,AA', width: 32, height: 24, invert: true });
    b.wire(i, inp).wire(i, m).wire(m, inp, 'mask').wire(inp, b.add('output'));
    const r = compile(b.build('x'));
    expect(findDiag(r.diagnostics, 'G-6', m)?.severity).toBe('info');
    expect(findDiag(r.diagnostics, 'G-7', m)?.severity).toBe('info');
  });

  it('folds its findings into a compile result: each fact once; an undecodable image speaks for itself', async () => {
    // The mask's stored size says 32×32 (another shape than the 64×48 image); its pixels say so too.
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: await dataUrl(solid(64, 48, '#808080')), width: 64, height: 48 });
    const inp = b.add('inpaint');
    const m = b.add('mask', { image: await dataUrl(halves(32, 32, 255, 0)), width: 32, height: 32 });
    b.wire(i, inp).wire(i, m).wire(m, inp, 'mask').wire(inp, b.add('output'));
    b.add('promptSettings', { image_seed: 1 });
    const wf = b.build('x');
    const prepared = await prepareImages(wf, nodeImageAdapter);
    // As every caller does it: compile with the prepared images (the mask now fits, so compile has no
    // G-6 of its own), then fold in prepare's measured one.
    const merged = withPrepareDiagnostics(compile(wf, { images: prepared.images }), prepared.diagnostics);
    expect(merged.diagnostics.filter((d) => d.code === 'G-6')).toEqual([
      expect.objectContaining({ nodeId: m, severity: 'warning' }),
    ]);
    expect(merged.ok).toBe(true);
    // A word-for-word repeat is shown once; a different finding on the same node stays.
    const unprepared = compile(wf);
    const inferred = findDiag(unprepared.diagnostics, 'G-6', m)!;
    expect(
      withPrepareDiagnostics(unprepared, [inferred]).diagnostics.filter((d) => d.code === 'G-6'),
    ).toEqual([inferred]);
    expect(
      withPrepareDiagnostics(unprepared, prepared.diagnostics).diagnostics.filter((d) => d.code === 'G-6'),
    ).toHaveLength(2);
    // An image that cannot be decoded: an error that blocks, and no word about its encoding.
    const bad = {
      severity: 'error',
      code: 'S-bad-image',
      nodeId: i,
      field: 'image',
      message: { en: 'x', zh: 'x' },
    } as const;
    const withEncodingNote = {
      ...unprepared,
      diagnostics: [
        ...unprepared.diagnostics,
        {
          severity: 'info',
          code: 'S-image-encoding',
          nodeId: i,
          field: 'image',
          message: { en: 'y', zh: 'y' },
        } as const,
      ],
    };
    const blocked = withPrepareDiagnostics(withEncodingNote, [bad]);
    expect(blocked.ok).toBe(false);
    expect(findDiag(blocked.diagnostics, 'S-image-encoding', i)).toBeUndefined();
    expect(withPrepareDiagnostics(unprepared, [])).toBe(unprepared);
  });
});
