/**
 * decompile(request) → workflow: rebuilds a readable graph from a FooocusAPI request (a docs
 * example, a log line, a request view copy, a task record's `req_params`). It follows what the
 * server would really run (contract §4.3, fooocus-semantics §1.5) and lists in `notes` whatever the
 * server would ignore or the graph cannot keep.
 *
 * What it reads (contract §5.5): a request; a task record (`task_id` + `req_params`: the sync reply,
 * `/tasks/{id}`, a `/tasks` item or a one-item list), unwrapped; the server's rewritten `req_params`
 * (flat LoRA list, `×` sizes, stored `/inputs/` image URLs, a 63-bit seed), converted. A Fooocus Flow
 * workflow is refused with a pointer to `compile`.
 */
import { ZodError, type z } from 'zod';
import { GraphBuilder } from '../nodes/build.ts';
import { t } from '../nodes/field.ts';
import type { Workflow } from '../nodes/graph.ts';
import { enhanceMethodOf } from '../nodes/kinds/enhance-region.ts';
import { inpaintMethodOf } from '../nodes/kinds/inpaint.ts';
import { PROMPT_SETTINGS_FIELDS } from '../nodes/kinds/prompt-settings.ts';
import type { KindName } from '../nodes/registry.ts';
import type { LocalText } from '../nodes/types.ts';
import {
  CN_TYPE_DEFAULTS,
  CONTROLNET_SLOTS,
  DEFAULT_LORAS,
  ENHANCE_TABS,
  LORA_SLOTS,
} from './request/enums.ts';
import { IMAGE_FIELDS, REQUEST_FIELDS, isImageGiven, type CommonRequest } from './request/fields.ts';
import { defaultRequest, laxRequestSchema } from './request/schema.ts';
import { jsonErrorLocation } from './workflow-file/json-error.ts';
import { tooLongLists } from './list-limits.ts';
import { megabytes, utf8ByteLength } from './text-size.ts';
import { friendlyIssue } from './workflow-file/parse.ts';
import { closestName } from './workflow-file/suggest.ts';
import { capProblems } from './error-cap.ts';
import { looksLikeBase64 } from './assets/base64-shape.ts';

export interface DecompileError {
  /** Path into the request (or the file, for a record): `loras[0].enabled`, `(top level)`. */
  path: string;
  message: string;
}

export type DecompileResult =
  { ok: true; workflow: Workflow; notes: LocalText[] } | { ok: false; errors: DecompileError[] };

export interface DecompileOptions {
  /**
   * The exact digits of `image_seed` as the source text wrote them, when JSON numbers cannot hold
   * them (above 2^53−1). `decompileText` finds them; only used in the note.
   */
  seedDigits?: string | undefined;
}

class DecompileFailure extends Error {
  constructor(readonly errors: DecompileError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  }
}
const fail = (path: string, message: string): DecompileResult => ({ ok: false, errors: [{ path, message }] });

/**
 * From the text of a file: a UTF-8 BOM is dropped, and a seed too big for a JS number keeps its
 * exact digits for the note (JSON.parse would round 8441793560237457123 to …7000).
 */
/** A FooocusAPI request with four image prompts, an inpaint image and mask of 12 MP photos fits with room. */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export function decompileText(text: string, name = 'Decompiled request'): DecompileResult {
  const bytes = utf8ByteLength(text);
  if (bytes > MAX_REQUEST_BYTES)
    return fail(
      '(file)',
      `the file is ${megabytes(bytes)}; a request to decompile is at most ${megabytes(MAX_REQUEST_BYTES)}`,
    );
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return fail('(file)', 'the file is empty (no JSON in it)');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // The engine's message quotes the offending bytes; the position is what the user needs.
    return fail('(file)', `not valid JSON${jsonErrorLocation(body)}`);
  }
  const digits = [...body.matchAll(/"image_seed"\s*:\s*"?(-?\d+)(?![\d.eE])/g)].map((m) => m[1]!);
  return decompile(json, name, { seedDigits: digits.length === 1 ? digits[0] : undefined });
}

export function decompile(
  input: unknown,
  name = 'Decompiled request',
  options: DecompileOptions = {},
): DecompileResult {
  const notes: LocalText[] = [];
  const unwrapped = recognise(input, notes);
  if ('errors' in unwrapped) return { ok: false, errors: unwrapped.errors };
  const tooLong = tooLongLists(unwrapped.request);
  if (tooLong.length)
    return { ok: false, errors: capProblems(tooLong.map((e) => ({ path: e.key, message: e.message }))) };
  const raw = { ...unwrapped.request };
  normaliseRewritten(raw, notes);
  normaliseSeed(raw, notes, options.seedDigits);
  // Images and the size are checked beside the schema, so one run lists every problem.
  const errors = [...normaliseImages(raw, notes), ...normaliseAspectRatio(raw, notes)];
  unknownKeys(raw, notes);
  const parsed = laxRequestSchema.safeParse(raw, { error: friendlyIssue });
  if (!parsed.success) errors.push(...issueErrors((parsed.error as z.ZodError).issues));
  if (!parsed.success || errors.length) {
    const seen = new Set<string>();
    return {
      ok: false,
      errors: capProblems(
        errors.filter((e) => !seen.has(e.path) && seen.add(e.path)),
        20,
      ),
    };
  }
  try {
    return { ok: true, workflow: build(parsed.data, name, notes), notes };
  } catch (err) {
    if (err instanceof DecompileFailure) return { ok: false, errors: err.errors };
    throw err;
  }
}

function issueErrors(issues: readonly z.core.$ZodIssue[], prefix = ''): DecompileError[] {
  const seen = new Set<string>();
  const out: DecompileError[] = [];
  for (const i of issues) {
    const path =
      prefix +
        i.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
          .join('')
          .replace(/^\./, prefix ? '.' : '') || '(top level)';
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, message: i.message }); // all kept: the caller lists 20 and counts the rest
  }
  return out;
}

// ---------- what was given ----------

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isRecord = (v: unknown): v is Record<string, unknown> & { task_id: unknown; req_params: unknown } =>
  isObject(v) && 'task_id' in v && 'req_params' in v;

/** A request, or the request inside a task record; refuses workflows and ambiguous lists. */
function recognise(
  input: unknown,
  notes: LocalText[],
): { request: Record<string, unknown> } | { errors: DecompileError[] } {
  const err = (path: string, message: string) => ({ errors: [{ path, message }] });
  if (isObject(input) && typeof input.format === 'string' && input.format.startsWith('fooocus-flow/')) {
    return err(
      'format',
      'this is already a workflow (a Fooocus Flow file), not a FooocusAPI request; use "fooocus-flow compile" to turn it into a request, or open it in the editor',
    );
  }
  let records: unknown[] | undefined;
  let where = '';
  if (Array.isArray(input)) records = input;
  else if (isObject(input)) {
    const reply = input;
    // The GET /tasks reply: {history, current, pending}.
    if (['history', 'current', 'pending'].every((k) => Array.isArray(reply[k])))
      records = ['current', 'pending', 'history'].flatMap((k) => reply[k] as unknown[]);
    if (records) where = ' (the GET /tasks reply)';
  }
  if (records) {
    if (records.length === 0)
      return err(
        '(top level)',
        `an empty list${where}: no task record to decompile (GET /tasks/{id} answers [] for an unknown id)`,
      );
    if (!records.every(isRecord))
      return err('(top level)', 'expected a JSON object (a FooocusAPI request or a task record), got a list');
    if (records.length > 1)
      return err(
        '(top level)',
        `holds ${records.length} task records${where}; decompile one at a time (e.g. jq '${where ? '.history[0]' : '.[0]'}' file.json)`,
      );
    input = records[0];
  }
  if (!isObject(input))
    return err('(top level)', 'expected a JSON object (a FooocusAPI request or a task record)');
  if (!isRecord(input)) return { request: input };
  const id = typeof input.task_id === 'string' ? input.task_id : String(input.task_id);
  if (!isObject(input.req_params) || Object.keys(input.req_params).length === 0) {
    return err(
      'req_params',
      `task ${id} has no request parameters (the async reply's stub has {}); fetch GET /tasks/${id} and decompile that`,
    );
  }
  notes.push(
    t(
      `This is a task record (task ${id}); its req_params were decompiled.`,
      `这是一条任务记录（任务 ${id}）；已反编译其 req_params。`,
    ),
  );
  return { request: input.req_params };
}

const FLAT_LORA = (v: unknown[]) =>
  v.length % 3 === 0 &&
  v.length > 0 &&
  v.every((x, i) =>
    i % 3 === 0
      ? typeof x === 'boolean' || typeof x === 'string'
      : i % 3 === 1
        ? typeof x === 'string'
        : true,
  );
const EMPTY_LORA = { enabled: true, model_name: 'None', weight: 1 };

/**
 * The server's rewritten `req_params` (contract §5.5): LoRAs as a flat list of 15 values, sizes
 * with `×`, images as stored /inputs/ URLs, `save_name: null`. Converted back to request form.
 */
function normaliseRewritten(r: Record<string, unknown>, notes: LocalText[]): void {
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

const MAX_SERVER_SEED = 2n ** 63n - 1n;

/** −1, or anything JS cannot hold exactly, becomes a random seed (−1) with a note (contract §3.1). */
function normaliseSeed(r: Record<string, unknown>, notes: LocalText[], digits: string | undefined): void {
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

function imageSlots(
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
function normaliseImages(r: Record<string, unknown>, notes: LocalText[]): DecompileError[] {
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
function normaliseAspectRatio(r: Record<string, unknown>, notes: LocalText[]): DecompileError[] {
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
function unknownKeys(r: Record<string, unknown>, notes: LocalText[]): void {
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

// ---------- the graph ----------

/** GraphBuilder.add, with node-param errors reported at the request path they came from. */
function adder(b: GraphBuilder) {
  return <K extends KindName>(
    kind: K,
    params: Record<string, unknown>,
    where: (param: string) => string,
    label?: string,
  ): string => {
    try {
      return b.add(kind, params, label);
    } catch (err) {
      if (!(err instanceof ZodError)) throw err;
      const issues = err.issues.map((i) => ({
        ...i,
        path: [],
        message: `${friendlyIssue({ ...i, input: valueAt(params, i.path) } as never) ?? i.message}`,
        at:
          where(String(i.path[0] ?? '')) +
          i.path
            .slice(1)
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join(''),
      }));
      throw new DecompileFailure(issues.map((i) => ({ path: i.at, message: i.message })));
    }
  };
}

function valueAt(v: unknown, path: readonly PropertyKey[]): unknown {
  let cur = v;
  for (const p of path)
    cur = isObject(cur) || Array.isArray(cur) ? (cur as Record<PropertyKey, unknown>)[p] : undefined;
  return cur;
}

function build(r: CommonRequest, name: string, notes: LocalText[]): Workflow {
  const b = new GraphBuilder();
  const add = adder(b);

  // Settings node: only when the request sets something, or when it is the text-to-image source.
  const defaults = defaultRequest();
  const settingsParams: Record<string, unknown> = {};
  for (const f of PROMPT_SETTINGS_FIELDS) {
    const v = r[f as keyof CommonRequest];
    if (JSON.stringify(v) !== JSON.stringify(defaults[f as keyof CommonRequest])) settingsParams[f] = v;
  }
  if (
    typeof settingsParams.image_seed === 'number' &&
    (settingsParams.image_seed < 0 || settingsParams.image_seed > Number.MAX_SAFE_INTEGER)
  ) {
    delete settingsParams.image_seed;
  }
  presetNote(r, notes);
  // The server pads or cuts the list to 4 slots: a 5th image is dropped (contract §3.3).
  const slots = r.controlnet_image.slice(0, CONTROLNET_SLOTS).filter((s) => isImageGiven(s.cn_img));
  if (r.controlnet_image.slice(CONTROLNET_SLOTS).some((s) => isImageGiven(s.cn_img)))
    notes.push(
      t(
        'controlnet_image has images after slot 4: the server keeps only the first 4 slots, so they are dropped.',
        'controlnet_image 在第 4 个槽位之后还有图像：服务器只保留前 4 个槽位，这些会被丢弃。',
      ),
    );
  const slot0 = isImageGiven(r.controlnet_image[0]?.cn_img);
  const tab = isImageGiven(r.enhance_input_image)
    ? 'enhance'
    : slot0
      ? 'ip'
      : isImageGiven(r.uov_input_image)
        ? 'uov'
        : isImageGiven(r.inpaint_input_image)
          ? 'inpaint'
          : 'none';
  const vu = r.mixing_image_prompt_and_vary_upscale;
  const inp = r.mixing_image_prompt_and_inpaint;
  const hasMask = isImageGiven(r.inpaint_mask_image_upload);
  const runsUov =
    r.uov_method !== 'Disabled' && isImageGiven(r.uov_input_image) && (tab === 'uov' || (tab === 'ip' && vu));
  const runsInpaint =
    isImageGiven(r.inpaint_input_image) &&
    (hasMask || r.outpaint_selections.length > 0) &&
    (tab === 'inpaint' || (tab === 'ip' && inp));
  const ipApplies = tab !== 'enhance' && (tab === 'ip' || vu || inp);

  let settingsId: string | undefined;
  const needSettings =
    Object.keys(settingsParams).length > 0 || (tab !== 'enhance' && !runsUov && !runsInpaint);
  if (needSettings) settingsId = add('promptSettings', settingsParams, (p) => p);
  let head: string;
  const mainNodes: string[] = [];

  if (tab === 'enhance') {
    head = add('inputImage', { image: r.enhance_input_image }, () => 'enhance_input_image');
    if (!r.enhance_checkbox)
      notes.push(
        t(
          'enhance_checkbox is false: the server would return no images. The graph assumes it true.',
          'enhance_checkbox 为 false：服务器不会返回图像。此图按其为 true 处理。',
        ),
      );
    ignored(r, notes, ['uov', 'inpaint', 'ip']);
  } else if (runsUov || runsInpaint) {
    const src = runsUov ? r.uov_input_image : r.inpaint_input_image;
    const image = add('inputImage', { image: src }, () =>
      runsUov ? 'uov_input_image' : 'inpaint_input_image',
    );
    head = image;
    if (runsUov) {
      head = addUov(b, add, r, r.uov_method, 'main', head);
      mainNodes.push(head);
    }
    if (runsInpaint) {
      const node = add('inpaint', inpaintParams(r), (p) => (p === 'method' ? 'inpaint_engine' : p));
      b.wire(head, node);
      if (hasMask) {
        const maskImage =
          r.inpaint_input_image !== src
            ? add(
                'inputImage',
                { image: r.inpaint_input_image },
                () => 'inpaint_input_image',
                'Inpaint image',
              )
            : image;
        const mask = add('mask', { image: r.inpaint_mask_image_upload }, () => 'inpaint_mask_image_upload');
        b.wire(maskImage, mask).wire(mask, node, 'mask');
      }
      head = node;
      mainNodes.push(node);
    }
    if (tab === 'uov' && isImageGiven(r.inpaint_input_image)) ignored(r, notes, ['inpaint']);
  } else {
    head = settingsId!;
    if (isImageGiven(r.uov_input_image) || isImageGiven(r.inpaint_input_image))
      ignored(r, notes, tab === 'ip' ? ['uov', 'inpaint'] : ['uov']);
  }

  // Image prompts: wired into the first main-pass node (or Prompt & Settings for text-to-image).
  if (slots.length && ipApplies) {
    const target = mainNodes[0] ?? settingsId!;
    for (const s of slots) {
      const type = s.cn_type as keyof typeof CN_TYPE_DEFAULTS;
      const at = `controlnet_image[${r.controlnet_image.indexOf(s)}]`;
      const ref = add('inputImage', { image: s.cn_img }, () => `${at}.cn_img`, 'Reference');
      const ip = add(
        'imagePrompt',
        {
          cn_type: type,
          cn_stop: s.cn_stop ?? CN_TYPE_DEFAULTS[type].stop,
          cn_weight: s.cn_weight ?? CN_TYPE_DEFAULTS[type].weight,
        },
        (p) => `${at}.${p}`,
      );
      b.wire(ref, ip).wire(ip, target, 'imagePrompts');
    }
  } else if (slots.length) {
    notes.push(
      t(
        'The image prompts are ignored by the server in this request (no mixing flag, or enhance mode).',
        '此请求中服务器会忽略图像提示（未设置混合选项，或处于增强模式）。',
      ),
    );
  }

  // Stage B. The worker reads exactly the first 3 enhance_ctrls items (G-17).
  enhanceNotes(r, tab, notes);
  if (r.enhance_checkbox || tab === 'enhance') {
    const before = r.enhance_uov_processing_order === 'Before First Enhancement';
    const hasUov = r.enhance_uov_method !== 'Disabled';
    if (hasUov && before) head = addUov(b, add, r, r.enhance_uov_method, 'enhance', head);
    r.enhance_ctrls.slice(0, ENHANCE_TABS).forEach((c, i) => {
      if (!c.enhance_enabled) return;
      const params = { enabled: true, ...c, method: enhanceMethodOf(c as never) };
      delete (params as Record<string, unknown>).enhance_enabled;
      const region = add('enhanceRegion', params, (p) =>
        p === 'method'
          ? `enhance_ctrls[${i}].enhance_inpaint_engine`
          : `enhance_ctrls[${i}].${p === 'enabled' ? 'enhance_enabled' : p}`,
      );
      b.wire(head, region);
      head = region;
    });
    if (hasUov && !before) head = addUov(b, add, r, r.enhance_uov_method, 'enhance', head);
  }
  const out = add(
    'output',
    { save_final_enhanced_image_only: r.save_final_enhanced_image_only },
    () => 'save_final_enhanced_image_only',
  );
  b.wire(head, out);
  return b.build(name);
}

/** G-26: with a preset, fields left at their API default take the preset's values on the server. */
function presetNote(r: CommonRequest, notes: LocalText[]): void {
  if (r.preset === 'initial') return;
  notes.push(
    t(
      `preset "${r.preset}": on the server, every field left at its API default (prompt, negative prompt, models, styles, sharpness, sampler, scheduler, performance, size, VAE) takes the preset's value, and the preset's CFG lands in adaptive_cfg (G-26). The graph keeps this request's values and sends preset "initial", so its results can differ; to match, set those fields to the preset's values.`,
      `preset "${r.preset}"：服务器会把仍为 API 默认值的字段（提示词、反向提示词、模型、风格、锐度、采样器、调度器、性能、尺寸、VAE）替换为预设的值，并把预设的 CFG 写入 adaptive_cfg（G-26）。此图保留本请求的值并发送 preset "initial"，因此结果可能不同；若要一致，请把这些字段设为预设的值。`,
    ),
  );
}

function enhanceNotes(r: CommonRequest, tab: string, notes: LocalText[]): void {
  const enabled = r.enhance_ctrls.filter((c) => c.enhance_enabled).length;
  const extra = r.enhance_ctrls.slice(ENHANCE_TABS);
  if (extra.length > 0 && (extra.some((c) => c.enhance_enabled) || r.outpaint_selections.length > 0)) {
    notes.push(
      t(
        `enhance_ctrls has ${r.enhance_ctrls.length} items (${enabled} enabled): the server reads only the first ${ENHANCE_TABS}, ignores the rest, and the 4th item's first value is read as outpaint_distance, so outpaint distances are lost (G-17). The graph keeps the first ${ENHANCE_TABS}.`,
        `enhance_ctrls 有 ${r.enhance_ctrls.length} 项（${enabled} 项启用）：服务器只读取前 ${ENHANCE_TABS} 项并忽略其余项，且第 4 项的第一个值会被当作 outpaint_distance，导致扩图距离丢失（G-17）。此图保留前 ${ENHANCE_TABS} 项。`,
      ),
    );
  }
  const uov = r.enhance_uov_method !== 'Disabled';
  if (!r.enhance_checkbox && tab !== 'enhance' && (enabled > 0 || uov)) {
    const what = [
      enabled > 0 ? `${enabled} enabled enhance_ctrls` : '',
      uov ? `enhance_uov_method "${r.enhance_uov_method}"` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    const whatZh = [
      enabled > 0 ? `${enabled} 个启用的 enhance_ctrls` : '',
      uov ? `enhance_uov_method "${r.enhance_uov_method}"` : '',
    ]
      .filter(Boolean)
      .join(' 和 ');
    notes.push(
      t(
        `${what} without enhance_checkbox: the server ignores them, so the graph has no enhance steps. Add Enhance Region / enhance-stage nodes to enhance.`,
        `${whatZh} 未设置 enhance_checkbox：服务器会忽略它们，因此此图没有增强步骤。若要增强，请添加增强区域等增强阶段节点。`,
      ),
    );
  }
}

function addUov(
  b: GraphBuilder,
  add: ReturnType<typeof adder>,
  r: CommonRequest,
  method: string,
  runIn: 'main' | 'enhance',
  input: string,
): string {
  const isVary = method.startsWith('Vary');
  const where = (p: string) =>
    ({
      method: runIn === 'main' ? 'uov_method' : 'enhance_uov_method',
      strength: isVary ? 'overwrite_vary_strength' : 'overwrite_upscale_strength',
      factor: 'upscale_multiple',
      promptType: 'enhance_uov_prompt_type',
    })[p] ?? p;
  const id = isVary
    ? add(
        'vary',
        {
          method,
          runIn,
          strength: r.overwrite_vary_strength > 0 ? r.overwrite_vary_strength : -1,
          promptType: r.enhance_uov_prompt_type,
        },
        where,
      )
    : add(
        'upscale',
        {
          method,
          runIn,
          factor: r.upscale_multiple,
          strength: r.overwrite_upscale_strength > 0 ? r.overwrite_upscale_strength : -1,
          promptType: r.enhance_uov_prompt_type,
        },
        where,
      );
  b.wire(input, id);
  return id;
}

function inpaintParams(r: CommonRequest): Record<string, unknown> {
  const p = {
    inpaint_engine: r.inpaint_engine,
    inpaint_strength: r.inpaint_strength,
    inpaint_respective_field: r.inpaint_respective_field,
    inpaint_disable_initial_latent: r.inpaint_disable_initial_latent,
    inpaint_erode_or_dilate: r.inpaint_erode_or_dilate,
    inpaint_additional_prompt: r.inpaint_additional_prompt,
    outpaint_selections: r.outpaint_selections,
    outpaint_distance:
      r.outpaint_distance.length >= 4
        ? r.outpaint_distance.slice(0, 4).map((x) => Math.max(0, x))
        : [0, 0, 0, 0],
  };
  return { ...p, method: inpaintMethodOf(p as never) };
}

const IGNORED: Record<string, LocalText> = {
  uov: t(
    'uov_input_image / uov_method are ignored by the server in this request.',
    '此请求中服务器会忽略 uov_input_image / uov_method。',
  ),
  inpaint: t(
    'The inpaint fields are ignored by the server in this request (no mixing flag, or vary/upscale wins).',
    '此请求中服务器会忽略重绘字段（未设置混合选项，或 Vary/放大优先）。',
  ),
  ip: t('Image prompts are ignored when enhancing an uploaded image.', '增强上传图像时会忽略图像提示。'),
};

function ignored(r: CommonRequest, notes: LocalText[], what: string[]): void {
  for (const w of what) {
    const present =
      (w === 'uov' && isImageGiven(r.uov_input_image)) ||
      (w === 'inpaint' && isImageGiven(r.inpaint_input_image)) ||
      (w === 'ip' && r.controlnet_image.some((s) => isImageGiven(s.cn_img)));
    if (present) notes.push(IGNORED[w]!);
  }
}
