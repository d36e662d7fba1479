/**
 * The simulator's "diffusion": deterministic pictures derived from the seed and a hash of the prompt,
 * so a given request always draws the same thing and different seeds visibly differ. Text-to-image
 * draws a gradient with circles and stripes; image-based steps keep the input recognisable and
 * tint or repaint the part the real step would change (whole image, mask, outpaint border, region).
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Padding, Size } from '../../contract/sizes.ts';

/** Patterns are drawn small and scaled up: smooth shapes need no more, and it keeps runs fast. */
const PATTERN_MAX_SIDE = 256;
const PREVIEW_MAX_SIDE = 96;

export interface Look {
  seed: bigint;
  prompt: string;
}

/** mulberry32 seeded from sha256(seed | prompt | salt). */
function rngFor(look: Look, salt: string): () => number {
  const digest = createHash('sha256').update(`${look.seed}|${look.prompt}|${salt}`).digest();
  let a = digest.readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hsl = (h: number, s: number, l: number) => `hsl(${Math.round(h)},${Math.round(s)}%,${Math.round(l)}%)`;

function patternSvg(size: Size, look: Look, salt: string, opacity = 1): Buffer {
  const rng = rngFor(look, salt);
  const scale = Math.min(1, PATTERN_MAX_SIDE / Math.max(size.width, size.height));
  const w = Math.max(1, Math.round(size.width * scale));
  const h = Math.max(1, Math.round(size.height * scale));
  const hue = rng() * 360;
  const shapes: string[] = [];
  for (let i = 0; i < 7; i++) {
    const r = (0.06 + rng() * 0.2) * Math.min(w, h);
    shapes.push(
      `<circle cx="${(rng() * w).toFixed(1)}" cy="${(rng() * h).toFixed(1)}" r="${r.toFixed(1)}" fill="${hsl(
        hue + 90 + rng() * 180,
        70,
        55,
      )}" fill-opacity="0.7"/>`,
    );
  }
  const stripe = (4 + rng() * 10).toFixed(1);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><g opacity="${opacity}">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="${hsl(hue, 65, 35)}"/><stop offset="1" stop-color="${hsl(hue + 60, 75, 70)}"/>
</linearGradient>
<pattern id="s" width="${stripe}" height="${stripe}" patternUnits="userSpaceOnUse" patternTransform="rotate(${Math.round(
    rng() * 180,
  )})"><rect width="${Number(stripe) / 2}" height="${stripe}" fill="#fff" fill-opacity="0.12"/></pattern></defs>
<rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}<rect width="100%" height="100%" fill="url(#s)"/>
</g></svg>`;
  return Buffer.from(svg);
}

/** Intermediate PNGs are only passed between steps: fast compression is enough. */
const FAST_PNG = { compressionLevel: 1 } as const;

/**
 * A full-size RGBA pattern layer. The SVG is rasterised at its small size first: resizing an SVG input
 * directly would make librsvg re-render it at the target size, which is several times slower.
 */
async function patternLayer(size: Size, look: Look, salt: string, opacity = 1): Promise<Buffer> {
  const small = await sharp(patternSvg(size, look, salt, opacity))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: 4 } })
    .resize(size.width, size.height, { fit: 'fill' })
    .png(FAST_PNG)
    .toBuffer();
}

export async function renderTextToImage(size: Size, look: Look): Promise<Buffer> {
  return sharp(await patternLayer(size, look, 't2i'))
    .flatten({ background: '#ffffff' })
    .png(FAST_PNG)
    .toBuffer();
}

/** Vary / upscale: the input at the new size with a seed-dependent tint (stronger for Vary Strong). */
export async function renderFromImage(
  source: Buffer,
  size: Size,
  look: Look,
  strength: number,
): Promise<Buffer> {
  const base = await sharp(source)
    .flatten({ background: '#ffffff' })
    .resize(size.width, size.height, { fit: 'fill' })
    .png(FAST_PNG)
    .toBuffer();
  // Strength 0 = a plain super-resolution result (Fast 2x, direct-return upscale): no repaint.
  if (strength <= 0) return base;
  const overlay = await patternLayer(size, look, 'tint', Math.min(0.9, Math.max(0.1, strength * 0.6)));
  return sharp(base)
    .composite([{ input: overlay }])
    .png(FAST_PNG)
    .toBuffer();
}

/** Inpaint/outpaint: edge-extend the borders, then repaint where the mask is white and in the new border. */
export async function renderInpaint(
  source: Buffer,
  mask: Buffer | null,
  padding: Padding,
  look: Look,
): Promise<Buffer> {
  const extended = await sharp(source)
    .flatten({ background: '#ffffff' })
    .extend({ ...padding, extendWith: 'copy' })
    .png(FAST_PNG)
    .toBuffer({ resolveWithObject: true });
  const size = { width: extended.info.width, height: extended.info.height };
  const srcW = size.width - padding.left - padding.right;
  const srcH = size.height - padding.top - padding.bottom;
  // The repaint area as a grey mask: user mask inside, white in the outpaint border.
  const innerMask = mask
    ? await sharp(mask).flatten({ background: '#000000' }).greyscale().resize(srcW, srcH, { fit: 'fill' })
    : sharp({ create: { width: srcW, height: srcH, channels: 3, background: '#000000' } }).greyscale();
  const area = await innerMask
    .extend({ ...padding, background: '#ffffff' })
    .threshold(128)
    .raw()
    .toBuffer();
  // Two pipelines: within one, sharp applies removeAlpha after joinChannel, which would drop the
  // area alpha just joined and repaint the whole image.
  const rgb = await sharp(await patternLayer(size, look, 'inpaint'))
    .removeAlpha()
    .raw()
    .toBuffer();
  const paint = await sharp(rgb, { raw: { width: size.width, height: size.height, channels: 3 } })
    .joinChannel(area, { raw: { width: size.width, height: size.height, channels: 1 } })
    .png(FAST_PNG)
    .toBuffer();
  return sharp(extended.data)
    .composite([{ input: paint }])
    .png(FAST_PNG)
    .toBuffer();
}

/** Enhance region: a soft ellipse repainted where the "detected" region would be. */
export async function renderRegion(source: Buffer, look: Look, regionIndex: number): Promise<Buffer> {
  const meta = await sharp(source).metadata();
  const w = meta.width ?? 1;
  const h = meta.height ?? 1;
  const rng = rngFor(look, `region${regionIndex}`);
  const cx = w * (0.3 + rng() * 0.4);
  const cy = h * (0.25 + rng() * 0.5);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
<ellipse cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" rx="${(w * 0.14).toFixed(1)}" ry="${(h * 0.12).toFixed(1)}"
 fill="${hsl(rng() * 360, 80, 60)}" fill-opacity="0.55" stroke="#ffffff" stroke-width="${Math.max(1, w / 200).toFixed(1)}"/>
</svg>`;
  return sharp(source)
    .flatten({ background: '#ffffff' })
    .composite([{ input: Buffer.from(svg) }])
    .png(FAST_PNG)
    .toBuffer();
}

/** A mask as /v1/tools/generate_mask returns it: white ellipse(s) when something is "found", else black. */
export async function renderMask(size: Size, found: boolean, look: Look): Promise<Buffer> {
  const rng = rngFor(look, 'mask');
  const shape = found
    ? `<ellipse cx="${(size.width * (0.4 + rng() * 0.2)).toFixed(1)}" cy="${(
        size.height *
        (0.4 + rng() * 0.2)
      ).toFixed(
        1,
      )}" rx="${(size.width * 0.25).toFixed(1)}" ry="${(size.height * 0.3).toFixed(1)}" fill="#ffffff"/>`
    : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}"><rect width="100%" height="100%" fill="#000000"/>${shape}</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#000000' }).png(FAST_PNG).toBuffer();
}

export type OutputFormat = 'png' | 'jpeg' | 'webp';

export function formatOf(ext: string): OutputFormat {
  if (ext === 'jpg' || ext === 'jpeg') return 'jpeg';
  if (ext === 'webp') return 'webp';
  return 'png';
}

export async function encodeAs(png: Buffer, format: OutputFormat): Promise<Buffer> {
  const img = sharp(png);
  if (format === 'jpeg') return img.flatten({ background: '#ffffff' }).jpeg({ quality: 92 }).toBuffer();
  if (format === 'webp') return img.webp({ quality: 90 }).toBuffer();
  return img.png().toBuffer();
}

/** Produces step previews: the final picture emerging from noise as sampling progresses. */
export class PreviewMaker {
  private constructor(
    private readonly pixels: Buffer,
    private readonly noise: Buffer,
    private readonly width: number,
    private readonly height: number,
  ) {}

  static async create(finalPng: Buffer, look: Look): Promise<PreviewMaker> {
    const { data, info } = await sharp(finalPng)
      .flatten({ background: '#ffffff' })
      .resize(PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE, { fit: 'inside' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const rng = rngFor(look, 'noise');
    const noise = Buffer.alloc(data.length);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(rng() * 256);
    return new PreviewMaker(data, noise, info.width, info.height);
  }

  /** Base64 PNG (no data: prefix) of the preview at `fraction` (0..1) of the sampling. */
  async at(fraction: number): Promise<string> {
    const f = Math.min(1, Math.max(0, fraction));
    const mixed = Buffer.alloc(this.pixels.length);
    for (let i = 0; i < mixed.length; i++)
      mixed[i] = Math.round(this.pixels[i]! * f + this.noise[i]! * (1 - f));
    const png = await sharp(mixed, { raw: { width: this.width, height: this.height, channels: 3 } })
      .png()
      .toBuffer();
    return png.toString('base64');
  }
}
