/**
 * Step 2: the request as the schema reads it — the server's rewritten `req_params` converted back,
 * the seed, images and size checked, unknown keys noted.
 */
import { looksLikeBase64 } from '../assets/base64-shape.ts';
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';
import { DEFAULT_LORAS, LORA_SLOTS } from '../../contract/enums.ts';
import { IMAGE_FIELDS, REQUEST_FIELDS, isImageGiven } from '../../contract/fields.ts';
import { closestName } from '../workflow-file/suggest.ts';
import type { DecompileError } from './types.ts';
import { isObject } from './recognise.ts';
export const FLAT_LORA = (v: unknown[]) =>
  v.length % 3 === 0 &&
  v.length > 0 &&
  v.every((x, i) =>
    i % 3 === 0
      ? typeof x === 'boolean' || typeof x === 'string'
      : i % 3 === 1
        ? typeof x === 'string'
        : true,
  );
export const EMPTY_LORA = { enabled: true, model_name: 'None', weight: 1 };

/**
 * The server's rewritten `req_params` (contract §5.5): LoRAs as a flat list of 15 values, sizes
 * with `×`, images as stored /inputs/ URLs, `save_name: null`. Converted back to request form.
 */
export function normaliseRewritten(r: Record<string, unknown>, notes: LocalText[]): void {
  const what: LocalText[] = [];
  if (Array.isArray(r.loras) && !r.loras.some(isObject) && FLAT_LORA(r.loras)) {
    const flat = r.loras;
    const items: { enabled: unknown; model_name: unknown; weight: unknown }[] = [];
    for (let i = 0; i < flat.length; i += 3)
      items.push({ enabled: flat[i], model_name: flat[i + 1], weight: flat[i + 2] });
    const pad = (l: unknown[]) => {
      const out = l.slice(0, LORA_SLOTS).map((x) => JSON.stringify(x));
      while (out.length < LORA_SLOTS) out.push(JSON.stringify(EMPTY_LORA));
      return out.join();
    };
    if (pad(items) === pad([...DEFAULT_LORAS])) r.loras = structuredClone([...DEFAULT_LORAS]);
    else {
      // Trailing padding slots ({enabled, "None", 1}) are what the server added: empty either way.
      while (items.length && JSON.stringify(items[items.length - 1]) === JSON.stringify(EMPTY_LORA))
        items.pop();
      r.loras = items;
    }
    what.push(t('LoRAs were a flat list', 'LoRA 为扁平列表'));
  }
  const stored = imageSlots(r).some(
    ({ value }) => typeof value === 'string' && /^https?:\/\/[^/]+\/inputs\/[^/]+\.png$/.test(value),
  );
  if (stored)
    what.push(t('images are the server’s stored /inputs/ files', '图像为服务器保存的 /inputs/ 文件'));
  // `×` and the forced flags are also what a user may write; they only add to other evidence.
  if (what.length === 0) return;
  if (typeof r.aspect_ratios_selection === 'string' && r.aspect_ratios_selection.includes('×'))
    what.push(t('the size uses ×', '尺寸使用 ×'));
  if (r.save_name === null) delete r.save_name;
  notes.push(
    t(
      `This is the server's rewritten req_params (${what.map((w) => w.en).join('; ')}); converted back to a request.${stored ? ' Its image URLs point at that server, which must still have the files.' : ''}`,
      `这是服务器改写后的 req_params（${what.map((w) => w.zh).join('；')}）；已转换回请求格式。${stored ? '其图像网址指向该服务器，它必须仍保留这些文件。' : ''}`,
    ),
  );
}

export const MAX_SERVER_SEED = 2n ** 63n - 1n;

/** −1, or anything JS cannot hold exactly, becomes a random seed (−1) with a note (contract §3.1). */
export function normaliseSeed(
  r: Record<string, unknown>,
  notes: LocalText[],
  digits: string | undefined,
): void {
  const v = r.image_seed;
  let big: bigint | undefined;
  if (typeof v === 'number' && Number.isInteger(v)) big = BigInt(v);
  else if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) big = BigInt(v.trim());
  if (big === undefined || (big >= -1n && big <= BigInt(Number.MAX_SAFE_INTEGER))) {
    if (typeof v === 'string' && big !== undefined) r.image_seed = Number(big);
    return;
  }
  // The digits as written, when they are what JSON.parse rounded to this number.
  const exact = digits !== undefined && Number(digits) === Number(big) ? digits : undefined;
  const shown =
    exact ?? (typeof v === 'string' || Number.isSafeInteger(Number(big)) ? big.toString() : `about ${big}`);
  r.image_seed = -1;
  if (big < 0n || big > MAX_SERVER_SEED) {
    notes.push(
      t(
        `image_seed ${shown} is outside 0…2^63−1, so the server picks a random seed; the graph uses -1 (random).`,
        `image_seed ${shown} 超出 0…2^63−1，服务器会随机选取种子；此图使用 -1（随机）。`,
      ),
    );
    return;
  }
  notes.push(
    t(
      `image_seed ${shown} is above 2^53−1 (9007199254740991), which Fooocus Flow cannot represent exactly; the graph uses -1 (random), so the exact images of that seed cannot be repeated from here.`,
      `image_seed ${shown} 大于 2^53−1（9007199254740991），Fooocus Flow 无法精确表示；此图使用 -1（随机），因此无法在此复现该种子的图像。`,
    ),
  );
}

export function imageSlots(
  r: Record<string, unknown>,
): { path: string; value: unknown; set: (v: string) => void }[] {
  const out: { path: string; value: unknown; set: (v: string) => void }[] = IMAGE_FIELDS.map((f) => ({
    path: f,
    value: r[f],
    set: (v: string) => (r[f] = v),
  }));
  if (Array.isArray(r.controlnet_image)) {
    r.controlnet_image = r.controlnet_image.map((x) => (isObject(x) ? { ...x } : x));
    (r.controlnet_image as unknown[]).forEach((item, i) => {
      if (isObject(item))
        out.push({
          path: `controlnet_image[${i}].cn_img`,
          value: item.cn_img,
          set: (v) => (item.cn_img = v),
        });
    });
  }
  return out;
}

/** Raw base64 becomes a data URL; strings the server cannot read as an image are refused (contract §4.1). */
export function normaliseImages(r: Record<string, unknown>, notes: LocalText[]): DecompileError[] {
  const errors: DecompileError[] = [];
  let converted = false;
  for (const slot of imageSlots(r)) {
    const v = slot.value;
    if (!isImageGiven(v) || v.startsWith('http') || v.startsWith('data:image/')) continue;
    const b64 = v.replace(/\s+/g, '');
    if (v.startsWith('/')) {
      errors.push({
        path: slot.path,
        message: `"${v.slice(0, 60)}" is a path on the server, which it would not read back as an image; put the server's address in front (http://HOST:PORT${v.slice(0, 60)})`,
      });
    } else if (looksLikeBase64(b64)) {
      slot.set(
        `data:image/${b64.startsWith('/9j/') ? 'jpeg' : b64.startsWith('UklGR') ? 'webp' : 'png'};base64,${b64}`,
      );
      converted = true;
    } else {
      errors.push({
        path: slot.path,
        message: `not an image the server can read (it would answer 500): use a data:image/… URL, an http(s) URL or base64 of a PNG/JPEG`,
      });
    }
  }
  if (converted && errors.length === 0)
    notes.push(
      t(
        'Images given as raw base64 were turned into data URLs (the same image for the server).',
        '以原始 base64 给出的图像已转换为 data URL（对服务器而言是同一图像）。',
      ),
    );
  return errors;
}

/** `W*H`, `W×H` and `W H` are what the worker reads; a letter x makes it fail (contract §3.1). */
export function normaliseAspectRatio(r: Record<string, unknown>, notes: LocalText[]): DecompileError[] {
  const v = r.aspect_ratios_selection;
  if (typeof v !== 'string') return [];
  const m = /^\s*(\d+)\s*([*×xX]|\s)\s*(\d+)\s*$/.exec(v);
  if (!m) {
    return [
      {
        path: 'aspect_ratios_selection',
        message: `"${v.slice(0, 40)}" is not a size the worker can read (the run would end with no images); write "W*H", e.g. "1152*896"`,
      },
    ];
  }
  if (m[2] === 'x' || m[2] === 'X')
    notes.push(
      t(
        `aspect_ratios_selection "${v}" uses the letter x, which makes the worker fail (no images); the graph uses ${m[1]}*${m[3]}.`,
        `aspect_ratios_selection "${v}" 使用了字母 x，会导致工作进程失败（无图像）；此图使用 ${m[1]}*${m[3]}。`,
      ),
    );
  r.aspect_ratios_selection = `${m[1]}*${m[3]}`;
  return [];
}

/** The server ignores unknown keys, so a misspelt field silently falls back to its default. */
export function unknownKeys(r: Record<string, unknown>, notes: LocalText[]): void {
  const known = Object.keys(REQUEST_FIELDS);
  const unknown = Object.keys(r).filter((k) => !(k in REQUEST_FIELDS));
  for (const k of unknown.slice(0, 10)) {
    const hint = closestName(k, known);
    notes.push(
      t(
        `Unknown field "${k}": the server ignores it${hint ? `; did you mean "${hint}"?` : '.'}`,
        `未知字段 "${k}"：服务器会忽略它${hint ? `；是否想写 "${hint}"？` : '。'}`,
      ),
    );
  }
  if (unknown.length > 10)
    notes.push(
      t(`…and ${unknown.length - 10} more unknown fields.`, `……以及另外 ${unknown.length - 10} 个未知字段。`),
    );
}
