/**
 * Reading image strings the way FooocusAPI's `read_input_image` does (contract §4.1–4.2):
 * "no image" placeholders, http(s) URLs fetched by the server (a failed fetch is silently no image),
 * `data:image…` URIs, and raw base64 (non-strict alphabet, padding checked). Anything that decodes
 * to bytes that are not an image is an InternalServerError (the 500 of the real server).
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { EMPTY_IMAGE_STRINGS } from '../../contract/fields.ts';
import { readImageHeader } from '../../compiler/prepare/image-header.ts';
import { isOverBudget, MAX_IMAGE_PIXELS } from '../../compiler/prepare/pixel-budget.ts';
import { boundedImageFetch } from '../bounded-fetch.ts';
import { InternalServerError } from './http.ts';

export interface DecodedImage {
  /** The image re-encoded as PNG (what gets stored under inputs/). */
  png: Buffer;
  width: number;
  height: number;
  /** sha256 of the PNG's base64 text: the stored file is inputs/<sha>.png. */
  sha: string;
}

export interface FetchPolicy {
  /** Fetch from any host; by default only loopback addresses are fetched (no SSRF from a dev tool). */
  allowRemote: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

const SIM_FETCH = boundedImageFetch(undefined, {
  redirect: 'manual',
  anyStatus: true,
  headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/119.0' },
});

async function fetchImageBytes(url: string, policy: FetchPolicy): Promise<Buffer | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!policy.allowRemote && !isLoopbackHost(parsed.hostname)) return null;
  try {
    // httpx defaults: no redirect following, 20 s timeout; streamed and cut off past 50 MB.
    const bytes = await SIM_FETCH(parsed.href);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  } catch {
    return null;
  }
}

/** Python `base64.b64decode(s)` (validate=False): drop non-alphabet characters, then insist on padding. */
export function pyB64Decode(text: string): Buffer {
  const cleaned = text.replace(/[^A-Za-z0-9+/=]/g, '');
  const body = cleaned.replace(/=+$/, '');
  if (body.includes('=') || cleaned.length % 4 !== 0) throw new InternalServerError('Incorrect padding');
  return Buffer.from(body, 'base64');
}

/**
 * Pillow (FooocusAPI) refuses a decompression bomb only above 2 × 89.5 Mpx; this simulator keeps to
 * Fooocus Flow's own budget instead, checked on the header before decoding (sharp's limit is the
 * second line), so a hostile request cannot make it decode gigabytes.
 */
function refuseBombs(bytes: Buffer): void {
  const header = readImageHeader(bytes);
  if (header && isOverBudget(header))
    throw new InternalServerError(
      `Image size (${header.width * header.height} pixels) exceeds limit of ${MAX_IMAGE_PIXELS} pixels, could be decompression bomb DOS attack.`,
    );
}

async function toDecoded(bytes: Buffer): Promise<DecodedImage> {
  refuseBombs(bytes);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS })
      .png()
      .toBuffer({ resolveWithObject: true });
    const sha = createHash('sha256').update(data.toString('base64')).digest('hex');
    return { png: data, width: info.width, height: info.height, sha };
  } catch {
    throw new InternalServerError('cannot identify image file');
  }
}

export function isNoImage(value: string | null | undefined): boolean {
  return value === null || value === undefined || (EMPTY_IMAGE_STRINGS as readonly string[]).includes(value);
}

export async function readInputImage(
  value: string | null,
  policy: FetchPolicy,
): Promise<DecodedImage | null> {
  if (value === null || isNoImage(value)) return null;
  if (value.startsWith('http')) {
    const bytes = await fetchImageBytes(value, policy);
    return bytes === null ? null : toDecoded(bytes);
  }
  const b64 = value.startsWith('data:image') ? value.slice(value.indexOf(',') + 1) : value;
  return toDecoded(pyB64Decode(b64));
}

/** Saves a decoded input as inputs/<sha>.png (idempotent) and returns its public URL. */
export async function storeInput(img: DecodedImage, dataDir: string, baseUrl: string): Promise<string> {
  const dir = join(dataDir, 'inputs');
  // Not recursive: once close() has removed the data folder, a late request must not re-create it.
  await mkdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  await writeFile(join(dir, `${img.sha}.png`), img.png);
  return `${baseUrl}/inputs/${img.sha}.png`;
}

/**
 * Inpaint masks (§4.4): channel 0 is the base mask; the channel-average (alpha included) > 127 is
 * merged in by a pixel-wise max. "Has paint" = any resulting pixel > 127.
 */
export async function maskHasPaint(mask: DecodedImage): Promise<boolean> {
  const { data, info } = await sharp(mask.png).raw().toBuffer({ resolveWithObject: true });
  const c = info.channels;
  for (let p = 0; p < data.length; p += c) {
    if (data[p]! > 127) return true;
    let sum = 0;
    for (let k = 0; k < c; k++) sum += data[p + k]!;
    if (sum / c > 127) return true;
  }
  return false;
}
