/**
 * The server-side part of a generate request (FooocusAPI `pre_worker`, contract §4.3 and §5.5):
 * decode and store every input image, pick `current_tab`, resolve the seed, and build the rewritten
 * `req_params` that task records show (`*`→`×`, LoRAs flattened to 15 values, 4 ControlNet slots,
 * enhance items padded to 3 but never cut, forced flags, image fields as /inputs/ URLs).
 */
import { randomBytes } from 'node:crypto';
import { CONTROLNET_SLOTS, ENHANCE_TABS, LORA_SLOTS } from '../../contract/enums.ts';
import {
  ENHANCE_CTRL_FIELDS,
  IMAGE_PROMPT_FIELDS,
  REQUEST_FIELDS,
  type CommonRequest,
} from '../../contract/fields.ts';
import { specDefault } from '../../contract/schema.ts';
import { readInputImage, storeInput, type DecodedImage, type FetchPolicy } from './images.ts';
import { withPyFloats } from './pydantic-dump.ts';

const MAX_SEED = 2n ** 63n - 1n;

/** The validated request; `image_seed` may be a BigInt when it does not fit a JS number. */
export type SimRequest = Omit<CommonRequest, 'image_seed'> & { image_seed: number | bigint };

export interface TaskImages {
  uov: DecodedImage | null;
  inpaint: DecodedImage | null;
  mask: DecodedImage | null;
  enhance: DecodedImage | null;
  /** One entry per ControlNet slot after padding/cutting to 4. */
  cn: (DecodedImage | null)[];
}

export interface PreparedTask {
  request: SimRequest;
  reqParams: Record<string, unknown>;
  seed: bigint;
  tab: string;
  images: TaskImages;
}

export function randomSeed(): bigint {
  return randomBytes(8).readBigUInt64BE() & MAX_SEED;
}

export function resolveSeed(requested: number | bigint): bigint {
  const s = BigInt(requested);
  return s === -1n || s < 0n || s > MAX_SEED ? randomSeed() : s;
}

/** First match wins: enhance → image prompt in slot 0 → uov → inpaint → the request's own value. */
export function chooseTab(req: SimRequest, images: TaskImages): string {
  if (images.enhance) return 'enhance';
  if (images.cn[0]) return 'ip';
  if (images.uov) return 'uov';
  if (images.inpaint) return 'inpaint';
  return req.current_tab;
}

type CnItem = SimRequest['controlnet_image'][number];

function padControlNets(items: CnItem[]): CnItem[] {
  const empty = specDefault({ t: 'object', fields: IMAGE_PROMPT_FIELDS }) as CnItem;
  const out = items.slice(0, CONTROLNET_SLOTS);
  while (out.length < CONTROLNET_SLOTS) out.push({ ...empty });
  return out;
}

function padLoras(loras: SimRequest['loras']): SimRequest['loras'] {
  const items = loras.slice(0, LORA_SLOTS);
  while (items.length < LORA_SLOTS) items.push({ enabled: true, model_name: 'None', weight: 1 });
  return items;
}

/** `[enabled, name, weight, …]` from the dumped (float-wrapped) LoRA objects. */
function flattenLoras(loras: unknown): unknown[] {
  return (loras as Record<string, unknown>[]).flatMap((l) => [l.enabled, l.model_name, l.weight]);
}

export async function prepareTask(
  req: SimRequest,
  ctx: { dataDir: string; baseUrl: string; fetchPolicy: FetchPolicy },
): Promise<PreparedTask> {
  const read = (v: string | null) => readInputImage(v, ctx.fetchPolicy);
  const cnItems = padControlNets(req.controlnet_image);
  // Decoding happens in request order, like pre_worker; the first bad image aborts with a 500.
  const images: TaskImages = {
    uov: await read(req.uov_input_image),
    inpaint: await read(req.inpaint_input_image),
    mask: await read(req.inpaint_mask_image_upload),
    enhance: await read(req.enhance_input_image),
    cn: [],
  };
  for (const item of cnItems) images.cn.push(await read(item.cn_img));

  const url = async (img: DecodedImage | null) => (img ? storeInput(img, ctx.dataDir, ctx.baseUrl) : '');
  const seed = resolveSeed(req.image_seed);
  const tab = chooseTab(req, images);

  const enhanceCtrls = [...req.enhance_ctrls];
  while (enhanceCtrls.length < ENHANCE_TABS)
    enhanceCtrls.push(
      specDefault({ t: 'object', fields: ENHANCE_CTRL_FIELDS }) as (typeof enhanceCtrls)[number],
    );

  const cnParams = [];
  for (let i = 0; i < cnItems.length; i++)
    cnParams.push({ ...cnItems[i], cn_img: await url(images.cn[i] ?? null) });

  const structured = withPyFloats(REQUEST_FIELDS, {
    ...req,
    aspect_ratios_selection: req.aspect_ratios_selection.replace(/\*/g, '×'),
    image_seed: seed,
    loras: padLoras(req.loras),
    input_image_checkbox: true,
    current_tab: tab,
    invert_mask_checkbox: false,
    inpaint_advanced_masking_checkbox: images.mask !== null,
    uov_input_image: await url(images.uov),
    inpaint_input_image: await url(images.inpaint),
    inpaint_mask_image_upload: await url(images.mask),
    enhance_input_image: await url(images.enhance),
    controlnet_image: cnParams,
    enhance_ctrls: enhanceCtrls,
  });
  // As pydantic dumps it: float fields as floats, then FooocusAPI's flat LoRA list.
  const reqParams = { ...structured, loras: flattenLoras(structured.loras) };
  return { request: req, reqParams, seed, tab, images };
}
