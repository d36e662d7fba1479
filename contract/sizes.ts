/**
 * Output sizes the Fooocus worker produces, shared by the compiler's predictions and the simulated engine's images (fooocus-semantics.md §3.1, §3.4; Fooocus `modules/util.py`
 * `get_shape_ceil`/`set_image_shape_ceil`, `async_worker.py` `apply_vary`/`apply_upscale`/`apply_outpaint`).
 * Replicated step by step, including Python's round-half-even and the VAE's 8-pixel floor, so the
 * simulator returns the same width × height a real run would.
 */

export interface Size {
  width: number;
  height: number;
}

/** Python 3 round(): halves go to the even neighbour. */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function shapeCeil(height: number, width: number): number {
  return Math.ceil(Math.sqrt(height * width) / 64) * 64;
}

/** `set_image_shape_ceil`: rescale in multiples of 64 until the shape ceil hits the target. */
export function setShapeCeil(size: Size, target: number): Size {
  const originH = size.height;
  const originW = size.width;
  let { height: h, width: w } = size;
  for (let i = 0; i < 256; i++) {
    const current = shapeCeil(h, w);
    if (Math.abs(current - target) < 0.1) break;
    const k = target / current;
    const nh = pyRound((h * k) / 64) * 64;
    const nw = pyRound((w * k) / 64) * 64;
    if (nh === originH && nw === originW) break;
    h = nh;
    w = nw;
  }
  return { width: w, height: h };
}

/** The VAE works on 8×8 latents: a diffused image's sides are floored to multiples of 8. */
export function vaeRoundTrip(size: Size): Size {
  return { width: Math.floor(size.width / 8) * 8, height: Math.floor(size.height / 8) * 8 };
}

/** Vary (Subtle/Strong): shape ceil clamped to [1024, 2048], then VAE. */
export function varySize(input: Size): Size {
  const ceil = Math.min(2048, Math.max(1024, shapeCeil(input.height, input.width)));
  return vaeRoundTrip(setShapeCeil(input, ceil));
}

/**
 * The upscale factor the worker reads from a (case-folded) method string. It tests '1.5x', then '2x',
 * before parsing a number, so "upscale (1.2x)" counts as 2× (fooocus-semantics §3.1 quirk).
 */
export function upscaleFactor(method: string): number {
  const m = method.toLowerCase();
  if (m.includes('1.5x')) return 1.5;
  if (m.includes('2x')) return 2;
  const parsed = /(\d+(?:\.\d+)?)x/.exec(m);
  return parsed ? Number(parsed[1]) : 1;
}

export interface UpscaleOutcome extends Size {
  /** True when the SR image is returned as is (Fast 2x, or shape ceil > 2800): no diffusion. */
  directReturn: boolean;
}

export function upscaleSize(input: Size, method: string): UpscaleOutcome {
  const f = upscaleFactor(method);
  const ceil = shapeCeil(input.height * f, input.width * f);
  let size: Size;
  let effectiveCeil = ceil;
  if (ceil < 1024) {
    // The ESRGAN output (4×) is what gets rescaled to the 1024 band.
    size = setShapeCeil({ width: input.width * 4, height: input.height * 4 }, 1024);
    effectiveCeil = 1024;
  } else {
    size = { width: Math.floor(input.width * f), height: Math.floor(input.height * f) };
  }
  const directReturn = method.toLowerCase().includes('fast') || effectiveCeil > 2800;
  return directReturn ? { ...size, directReturn } : { ...vaeRoundTrip(size), directReturn };
}

export interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Outpaint padding per side: `distances` is FooocusAPI's [left, top, right, bottom]; a value ≤ 0, or a
 * list that is not 4 long, means the default 30 % of the original height (top/bottom) or width.
 */
export function outpaintPadding(input: Size, selections: readonly string[], distances: unknown): Padding {
  const list = Array.isArray(distances) && distances.length >= 4 ? distances.map(Number) : [0, 0, 0, 0];
  const pick = (given: number | undefined, fallback: number) =>
    given !== undefined && Number.isFinite(given) && given > 0 ? Math.floor(given) : fallback;
  const sel = new Set(selections.map((s) => s.toLowerCase()));
  const defH = Math.floor(input.height * 0.3);
  const defW = Math.floor(input.width * 0.3);
  return {
    left: sel.has('left') ? pick(list[0], defW) : 0,
    top: sel.has('top') ? pick(list[1], defH) : 0,
    right: sel.has('right') ? pick(list[2], defW) : 0,
    bottom: sel.has('bottom') ? pick(list[3], defH) : 0,
  };
}

export function padSize(input: Size, p: Padding): Size {
  return { width: input.width + p.left + p.right, height: input.height + p.top + p.bottom };
}

/**
 * Parses `aspect_ratios_selection` as the worker does after the server's `*`→`×` rewrite:
 * `replace('×', ' ').split(' ')[:2]` then `int()` each; anything else is a worker crash (null).
 */
export function parseAspect(text: string): Size | null {
  const parts = text.replace(/×/g, ' ').split(' ');
  if (parts.length < 2) return null;
  const toInt = (s: string) => (/^\s*[+-]?\d+\s*$/.test(s) ? parseInt(s, 10) : NaN);
  const width = toInt(parts[0]!);
  const height = toInt(parts[1]!);
  if (!(width > 0 && height > 0)) return null;
  return { width, height };
}

/**
 * FooocusAPI rewrites "Upscale (Custom)" to "Upscale (<upscale_multiple>x)" (Python's str of the
 * float: 2.0 stays "2.0") before the worker reads it.
 */
export function workerUpscaleMethod(method: string, customFactor: number): string {
  if (method !== 'Upscale (Custom)') return method;
  return `Upscale (${Number.isInteger(customFactor) ? `${customFactor}.0` : String(customFactor)}x)`;
}

/** Output size of an outpaint (padding per `outpaintPadding`). */
export function outpaintSize(input: Size, selections: readonly string[], distances: unknown): Size {
  return padSize(input, outpaintPadding(input, selections, distances));
}

/** "1152*896" (also × or a space) as the compiler reads the node's field; null when not W*H. */
export function parseAspectRatio(text: string): Size | null {
  const m = /^\s*(\d+)\s*[*×\s]\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  return { width: Number(m[1]), height: Number(m[2]) };
}
