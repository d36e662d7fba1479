/**
 * Output sizes as the Fooocus worker computes them (fooocus-semantics §3.1, §3.4, G-28). The
 * compiler predicts sizes with these; the simulated engine produces images of exactly these sizes.
 */
import type { Size } from './types.ts';

/** ⌈√(H·W)/64⌉·64: Fooocus's "shape ceil", the size measure its resize rules use. */
export function shapeCeil(width: number, height: number): number {
  return Math.ceil(Math.sqrt(width * height) / 64) * 64;
}

/** Rescale so the shape ceil becomes `target`, snapping sides to multiples of 64 (Fooocus's loop). */
export function setShapeCeil(size: Size, target: number): Size {
  let { width, height } = size;
  for (let i = 0; i < 256; i++) {
    const current = shapeCeil(width, height);
    if (Math.abs(current - target) < 0.1) break;
    const k = target / current;
    height = Math.round((height * k) / 64) * 64;
    width = Math.round((width * k) / 64) * 64;
  }
  return { width, height };
}

/** Vary: the input is brought into the 1024–2048 shape-ceil band; inside the band it is unchanged. */
export function varySize(input: Size): Size {
  const ceil = shapeCeil(input.width, input.height);
  if (ceil < 1024) return setShapeCeil(input, 1024);
  if (ceil > 2048) return setShapeCeil(input, 2048);
  return { ...input };
}

/**
 * The factor an upscale method really applies. FooocusAPI rewrites Custom to "Upscale (<f>x)" and
 * the worker tests '1.5x' then '2x' as substrings first, so 1.2, 2.2, 3.2... become 2.0.
 */
export function upscaleFactor(method: string, custom: number): number {
  const text = method === 'Upscale (Custom)' ? `Upscale (${formatPyFloat(custom)}x)` : method;
  if (text.includes('1.5x')) return 1.5;
  if (text.includes('2x')) return 2;
  const m = /([0-9]+(?:\.[0-9]+)?)x/.exec(text);
  return m ? Number(m[1]) : 1;
}

/** Python's str(float): 2.0 stays "2.0", 1.25 stays "1.25". */
function formatPyFloat(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

export interface UpscaleOutcome extends Size {
  /** The worker returns the super-resolved image without diffusion (Fast 2x, or shape ceil > 2800). */
  directReturn: boolean;
}

export function upscaleSize(input: Size, method: string, custom: number): UpscaleOutcome {
  const f = upscaleFactor(method, custom);
  const ceil = shapeCeil(input.width * f, input.height * f);
  const fast = method.toLowerCase().includes('fast');
  if (ceil < 1024) {
    const s = setShapeCeil({ width: input.width * 4, height: input.height * 4 }, 1024);
    return { ...s, directReturn: fast };
  }
  return {
    width: Math.trunc(input.width * f),
    height: Math.trunc(input.height * f),
    directReturn: fast || ceil > 2800,
  };
}

/** Outpaint pads each selected side; a distance ≤ 0 means 30% of the original width or height. */
export function outpaintSize(input: Size, directions: readonly string[], distance: readonly number[]): Size {
  const [left = 0, top = 0, right = 0, bottom = 0] = distance.length >= 4 ? distance : [0, 0, 0, 0];
  const pad = (d: number, base: number) => (d > 0 ? d : Math.trunc(base * 0.3));
  let { width, height } = input;
  if (directions.includes('Top')) height += pad(top, input.height);
  if (directions.includes('Bottom')) height += pad(bottom, input.height);
  if (directions.includes('Left')) width += pad(left, input.width);
  if (directions.includes('Right')) width += pad(right, input.width);
  return { width, height };
}

/** "1152*896" (also × or a space) → size; null when the text is not W*H (the worker would fail). */
export function parseAspectRatio(text: string): Size | null {
  const m = /^\s*(\d+)\s*[*×\s]\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  return { width: Number(m[1]), height: Number(m[2]) };
}
