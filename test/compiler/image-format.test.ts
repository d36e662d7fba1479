/**
 * Uploads Fooocus would misread (contract §4.1: palette, <8-bit, 16-bit, grey+alpha, CMYK, GIF ...)
 * are recognised from their header, reported on the Input Image node, and re-encoded by `prepare`
 * to an 8-bit PNG with the same pixels; ordinary PNG/JPEG/WebP uploads are sent byte for byte.
 */
import { deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../app/lib/zip.ts';
import { compile } from '../../compiler/compile.ts';
import { dataUrlImageProblem, imageProblem } from '../../compiler/prepare/image-format.ts';
import { nodeImageAdapter } from '../../cli/node-image-adapter.ts';
import { prepareImages } from '../../compiler/prepare/prepare.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { expectBilingual, findDiag } from './helpers.ts';

const W = 24;
const H = 16;
/** Left half red, right half blue: easy to check after a re-encode. */
function twoColours(): Sharp {
  const px = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) px.set(i % W < W / 2 ? [220, 30, 30] : [30, 30, 220], i * 3);
  return sharp(px, { raw: { width: W, height: H, channels: 3 } });
}

/** Grey + alpha (2 channels): the left half light, the right half dark. */
function greyAlpha(): Sharp {
  const px = Buffer.alloc(W * H * 2);
  for (let i = 0; i < W * H; i++) px.set([i % W < W / 2 ? 200 : 40, 255], i * 2);
  return sharp(px, { raw: { width: W, height: H, channels: 2 } }).toColourspace('b-w');
}

const url = (mime: string, b: Buffer) => `data:${mime};base64,${b.toString('base64')}`;

/** A 1-bit greyscale PNG built by hand (sharp writes no such PNG): vertical stripes. */
function oneBitPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(W, 0);
  ihdr.writeUInt32BE(H, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = Buffer.from([0, 0xf0, 0xf0, 0xf0]); // filter 0, then 24 pixels: 1111 0000 ...
  const raw = Buffer.concat(Array.from({ length: H }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const cases = async () => ({
  fine: {
    'RGB PNG': url('image/png', await twoColours().png().toBuffer()),
    'RGBA PNG': url('image/png', await twoColours().ensureAlpha(0.5).png().toBuffer()),
    'grey PNG': url('image/png', await twoColours().greyscale().png().toBuffer()),
    'RGB JPEG': url('image/jpeg', await twoColours().jpeg().toBuffer()),
    'JPEG with an ICC profile': url('image/jpeg', await twoColours().withIccProfile('p3').jpeg().toBuffer()),
    WebP: url('image/webp', await twoColours().webp().toBuffer()),
  },
  misread: {
    palette: url('image/png', await twoColours().png({ palette: true }).toBuffer()),
    '16-bit': url('image/png', await twoColours().toColourspace('rgb16').png().toBuffer()),
    'grey-alpha': url('image/png', await greyAlpha().png().toBuffer()),
    'low-bit': url('image/png', oneBitPng()),
    cmyk: url('image/jpeg', await twoColours().toColourspace('cmyk').jpeg().toBuffer()),
    format: url('image/gif', await twoColours().gif().toBuffer()),
  },
});

function graphWith(image: string) {
  const b = new GraphBuilder();
  const vary = b.add('vary');
  b.wire(b.add('inputImage', { image }), vary).wire(vary, b.add('output'));
  b.add('promptSettings', { image_seed: 1 });
  return b.build('encoding');
}

/** Channel values at the left and right halves of a prepared image. */
async function halvesOf(dataUrl: string) {
  const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  const meta = await sharp(bytes).metadata();
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number) => [...data.subarray(x * info.channels, x * info.channels + 3)];
  return { meta, left: at(2), right: at(W - 3) };
}

describe('image encodings Fooocus misreads', () => {
  it('recognises each from the header and passes ordinary uploads', async () => {
    const { fine, misread } = await cases();
    for (const [name, src] of Object.entries(fine)) expect(dataUrlImageProblem(src), name).toBeNull();
    for (const [problem, src] of Object.entries(misread))
      expect(dataUrlImageProblem(src), problem).toBe(problem);
  });

  it('finds a CMYK frame header behind 120 KB of metadata, and an RGB one too', async () => {
    // Two 60 KB APP15 segments right after the start marker push the frame header past the first reads.
    const padded = (jpeg: Buffer) => {
      const app = Buffer.alloc(60_000 + 4, 0x20);
      app.writeUInt16BE(0xffef, 0);
      app.writeUInt16BE(60_000 + 2, 2);
      return Buffer.concat([jpeg.subarray(0, 2), app, app, jpeg.subarray(2)]);
    };
    const cmyk = padded(await twoColours().toColourspace('cmyk').jpeg().toBuffer());
    const rgb = padded(await twoColours().jpeg().toBuffer());
    expect(await sharp(cmyk).metadata()).toMatchObject({ space: 'cmyk' }); // still a valid JPEG
    expect(dataUrlImageProblem(url('image/jpeg', cmyk))).toBe('cmyk');
    expect(dataUrlImageProblem(url('image/jpeg', rgb))).toBeNull();
    // A stand-alone marker (TEM) and stray bytes before the frame header do not hide it.
    const plain = await twoColours().toColourspace('cmyk').jpeg().toBuffer();
    const odd = Buffer.concat([
      plain.subarray(0, 2),
      Buffer.from([0xff, 0x01, 0x00, 0x00]),
      plain.subarray(2),
    ]);
    expect(dataUrlImageProblem(url('image/jpeg', odd))).toBe('cmyk');
  });

  it('ignores what is not an inline image: URLs, and bytes of no known format', () => {
    expect(dataUrlImageProblem('https://example.com/a.gif')).toBeNull();
    expect(dataUrlImageProblem('data:image/png;base64,bm90IGFuIGltYWdl')).toBeNull();
    expect(imageProblem(new Uint8Array())).toBeNull();
  });

  it('reports the problem on the Input Image node, in both languages, as information', async () => {
    const { misread } = await cases();
    const res = compile(graphWith(misread.palette));
    const d = findDiag(res.diagnostics, 'S-image-encoding', 'inputImage-1');
    expect(d).toMatchObject({ severity: 'info', field: 'image' });
    expect(d?.message.en).toMatch(/palette.*converts it to an 8-bit PNG/);
    expectBilingual([d!]);
    expect(res.ok).toBe(true);
  });

  it('prepare re-encodes a misread upload as 8-bit RGB(A) with the same pixels (CMYK as JPEG, else PNG)', async () => {
    const { misread } = await cases();
    for (const [problem, src] of Object.entries(misread)) {
      const { images, diagnostics } = await prepareImages(graphWith(src), nodeImageAdapter);
      expect(diagnostics, problem).toEqual([]);
      const sent = images['inputImage-1']!;
      expect(sent, problem).toMatchObject({ width: W, height: H });
      expect(dataUrlImageProblem(sent.data), problem).toBeNull();
      const { meta, left, right } = await halvesOf(sent.data);
      // A CMYK photo comes back as an RGB JPEG (a PNG would be many times larger); the rest as PNG.
      expect(meta, problem).toMatchObject({
        format: problem === 'cmyk' ? 'jpeg' : 'png',
        depth: 'uchar',
        width: W,
        height: H,
      });
      if (problem === 'cmyk') expect(meta.space, problem).toBe('srgb');
      expect(meta.channels, problem).toBeGreaterThanOrEqual(3);
      if (problem === 'low-bit') {
        expect(left, problem).toEqual([255, 255, 255]); // the first pixels of each row are set
      } else if (problem === 'grey-alpha') {
        expect([left[0], right[0]], problem).toEqual([200, 40]);
      } else {
        // Red stays red and blue stays blue (CMYK and palette quantising shift them a little).
        expect(left[0]! - left[2]!, problem).toBeGreaterThan(100);
        expect(right[2]! - right[0]!, problem).toBeGreaterThan(100);
      }
      // And that converted image is what the compiled request carries.
      const req = compile(graphWith(src), { images }).request;
      expect(req.uov_input_image, problem).toBe(sent.data);
    }
  });

  it('prepare sends an ordinary upload byte for byte', async () => {
    const { fine } = await cases();
    for (const [name, src] of Object.entries(fine)) {
      const { images } = await prepareImages(graphWith(src), nodeImageAdapter);
      expect(images['inputImage-1']!.data, name).toBe(src);
      expect(compile(graphWith(src), { images }).diagnostics.map((d) => d.code)).not.toContain(
        'S-image-encoding',
      );
    }
  });
});
