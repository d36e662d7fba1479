/**
 * POST /v1/tools/describe-image and /v1/tools/generate_mask (contract §6.5). Their request models
 * are small field tables run through the same pydantic-style validator as generate.
 */
import sharp from 'sharp';
import { MASK_MODELS } from '../../../contract/enums.ts';
import type { FieldSpec } from '../../../contract/fields.ts';
import { readFastApiBody } from '../body.ts';
import { keyAccepted, sendForbidden, sendJson, sendServerError, type Ctx } from '../http.ts';
import { readInputImage, type DecodedImage } from '../images.ts';
import { isDetected } from '../plan.ts';
import { renderMask } from '../render.ts';
import type { SimState } from '../state.ts';
import { validateModel } from '../validate.ts';

const DESCRIBE_FIELDS = {
  image: { t: 'str', default: '', nullable: false },
  image_type: { t: 'enum', values: ['Photo', 'Anime'], default: 'Photo' },
} as const satisfies Record<string, FieldSpec>;

const MASK_FIELDS = {
  image: { t: 'str', default: '', nullable: false },
  mask_model: { t: 'enum', values: MASK_MODELS, default: 'isnet-general-use' },
  cloth_category: { t: 'str', default: 'full', nullable: false },
  dino_prompt_text: { t: 'str', default: '', nullable: false },
  sam_model: { t: 'str', default: 'vit_b', nullable: false },
  box_threshold: { t: 'float', default: 0.3, ge: 0, le: 1 },
  text_threshold: { t: 'float', default: 0.25, ge: 0, le: 1 },
  sam_max_detections: { t: 'int', default: 0, ge: 0, le: 10 },
  dino_erode_or_dilate: { t: 'float', default: 0, ge: -64, le: 64 },
  dino_debug: { t: 'bool', default: false },
} as const satisfies Record<string, FieldSpec>;

/** Shared front half: body, key, validation, image. Null after a reply has been sent. */
async function readToolRequest<T extends { image: string }>(
  ctx: Ctx,
  sim: SimState,
  fields: Record<string, FieldSpec>,
): Promise<{ req: T; image: DecodedImage } | null> {
  const parsed = await readFastApiBody(ctx);
  if (!parsed) return null;
  if (!keyAccepted(ctx.req, sim.apiKey)) {
    sendForbidden(ctx);
    return null;
  }
  const v = validateModel<T>(fields, parsed.body, ['image']);
  if (v.errors.length || !v.value) {
    sendJson(ctx, 422, { detail: v.errors });
    return null;
  }
  try {
    const image = await readInputImage(v.value.image, sim.fetchPolicy);
    if (!image) throw new Error('no image'); // the tools index into None upstream
    return { req: v.value, image };
  } catch {
    sendServerError(ctx);
    return null;
  }
}

const COLOUR_NAMES: [string, [number, number, number]][] = [
  ['red', [200, 40, 40]],
  ['orange', [230, 140, 30]],
  ['yellow', [230, 220, 60]],
  ['green', [50, 160, 60]],
  ['teal', [40, 150, 150]],
  ['blue', [40, 70, 200]],
  ['purple', [130, 60, 170]],
  ['pink', [230, 130, 180]],
  ['white', [240, 240, 240]],
  ['grey', [128, 128, 128]],
  ['black', [15, 15, 15]],
];

function nearestColour(rgb: number[]): string {
  let best = COLOUR_NAMES[0]!;
  let bestDist = Infinity;
  for (const entry of COLOUR_NAMES) {
    const d = entry[1].reduce((sum, c, i) => sum + (c - (rgb[i] ?? 0)) ** 2, 0);
    if (d < bestDist) [best, bestDist] = [entry, d];
  }
  return best[0];
}

export async function handleDescribe(ctx: Ctx, sim: SimState): Promise<void> {
  const r = await readToolRequest<{ image: string; image_type: string }>(ctx, sim, DESCRIBE_FIELDS);
  if (!r) return;
  const stats = await sharp(r.image.png).flatten({ background: '#ffffff' }).stats();
  const colour = nearestColour(stats.channels.slice(0, 3).map((c) => c.mean));
  const shape =
    r.image.width > r.image.height ? 'landscape' : r.image.width < r.image.height ? 'portrait' : 'square';
  const describe =
    r.req.image_type === 'Anime'
      ? `no humans, scenery, ${colour} theme, abstract, simple background`
      : `a ${shape} picture with a ${colour} colour scheme, abstract shapes, soft lighting`;
  sendJson(ctx, 200, { describe });
}

export async function handleGenerateMask(ctx: Ctx, sim: SimState): Promise<void> {
  const r = await readToolRequest<{ image: string; mask_model: string; dino_prompt_text: string }>(
    ctx,
    sim,
    MASK_FIELDS,
  );
  if (!r) return;
  const found = r.req.mask_model !== 'sam' || isDetected(r.req.dino_prompt_text);
  const mask = await renderMask(r.image, found, { seed: 0n, prompt: r.req.dino_prompt_text });
  sendJson(ctx, 200, mask.toString('base64'));
}
