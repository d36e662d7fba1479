/**
 * Are two requests the same to the server, images aside? Both are read as the server reads them
 * (defaults filled), then compared field by field, ignoring: image contents, a random seed, empty
 * image-prompt slots and disabled enhance entries (both are padding the server adds anyway).
 */
import { IMAGE_FIELDS, isImageGiven, type CommonRequest } from '../contract/fields.ts';
import { laxRequestSchema } from '../contract/schema.ts';

export interface FieldDifference {
  field: string;
  a: unknown;
  b: unknown;
}

function normalize(raw: unknown): Record<string, unknown> {
  const r: CommonRequest = laxRequestSchema.parse(raw);
  const out: Record<string, unknown> = { ...r };
  for (const f of IMAGE_FIELDS) out[f] = isImageGiven(r[f]);
  out.aspect_ratios_selection = String(r.aspect_ratios_selection).replace(/[×\s]/, '*');
  out.controlnet_image = r.controlnet_image
    .filter((s) => isImageGiven(s.cn_img))
    .map((s) => ({ cn_stop: s.cn_stop, cn_weight: s.cn_weight, cn_type: s.cn_type }));
  out.enhance_ctrls = r.enhance_ctrls.filter((c) => c.enhance_enabled);
  out.image_seed = r.image_seed >= 0 ? r.image_seed : 'random';
  return out;
}

export function requestDifferences(
  a: unknown,
  b: unknown,
  options: { ignoreSeed?: boolean } = {},
): FieldDifference[] {
  const na = normalize(a);
  const nb = normalize(b);
  if (options.ignoreSeed || na.image_seed === 'random' || nb.image_seed === 'random') {
    delete na.image_seed;
    delete nb.image_seed;
  }
  const diffs: FieldDifference[] = [];
  for (const k of new Set([...Object.keys(na), ...Object.keys(nb)])) {
    if (JSON.stringify(na[k]) !== JSON.stringify(nb[k])) diffs.push({ field: k, a: na[k], b: nb[k] });
  }
  return diffs;
}
