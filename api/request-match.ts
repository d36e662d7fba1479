/**
 * Recognising our task among the server's rows when the submit reply was lost: history and pending
 * rows carry `req_params` (the request after server rewriting) and `in_queue_mills`
 * (contract §5.5). The comparison uses a robust subset: scalar fields only, numbers as numbers
 * (`7.0` comes back for 7), `*`/`x`/space in sizes as `×`, and no image fields (they come back as
 * `/inputs/<sha>.png` URLs). The prompt and a fixed seed must be present: with them a match is
 * specific to one run.
 */
import type { FooocusRequest } from '../contract/index.ts';
import type { TaskRecord } from './schemas.ts';

/** Fields the server rewrites whatever was sent (contract §5.5 `req_params`), or that are not the task's. */
const IGNORED = new Set([
  'async_process',
  'stream_output',
  'require_base64',
  'webhook_url',
  'input_image_checkbox',
  'current_tab',
  'inpaint_advanced_masking_checkbox',
  'invert_mask_checkbox',
]);

/** Image data or an image URL: the server stores decoded inputs under its own URLs. */
function looksLikeImage(value: string): boolean {
  return /^(data:|https?:\/\/|\/inputs\/)/.test(value) || (value.length > 256 && !/\s/.test(value));
}

function normalise(key: string, value: unknown): string | number | boolean | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'string' || looksLikeImage(value)) return undefined;
  if (key === 'aspect_ratios_selection') return value.replace(/[*x ]/g, '×').trim();
  return value;
}

/** The scalar fields of a request that identify it: what is compared with `req_params`. */
export function requestFingerprint(request: FooocusRequest): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(request)) {
    if (IGNORED.has(key)) continue;
    const n = normalise(key, value);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

/** A request can be recognised only with a fixed seed: with -1 the server picks one at random. */
export function isRecognisable(request: FooocusRequest): boolean {
  const seed = Number(request.image_seed);
  return Number.isSafeInteger(seed) && seed >= 0;
}

/** True when a server row is this request: every fingerprint field the row also has is equal. */
export function rowMatchesRequest(row: TaskRecord, request: FooocusRequest): boolean {
  const params = row.req_params;
  if (!params || !isRecognisable(request)) return false;
  if (Number(params['image_seed']) !== Number(request.image_seed)) return false;
  if ((params['prompt'] ?? '') !== (request.prompt ?? '')) return false;
  for (const [key, value] of Object.entries(requestFingerprint(request))) {
    if (!(key in params)) continue;
    const theirs = normalise(key, params[key]);
    if (theirs === undefined) continue;
    if (typeof value === 'number' ? Number(theirs) !== value : theirs !== value) return false;
  }
  return true;
}
