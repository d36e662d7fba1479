/**
 * Reading a result image with limits: a broken or hostile FooocusAPI server can answer a result
 * URL with an endless body or a decompression bomb (a small PNG whose header claims 16000×16000).
 * The body is streamed and cancelled past a byte cap, and the pixel size its header states is
 * checked against the pixel budget as soon as the header has arrived — before anything decodes it.
 */
import { readImageHeader } from '../compiler/prepare/image-header.ts';
import { isOverBudget, MAX_IMAGE_PIXELS, overBudgetText } from '../compiler/prepare/pixel-budget.ts';
import { replyTooLarge, ReplyTooLargeError } from './bounded-body.ts';
import { FooocusApiError, messages } from './errors.ts';

/**
 * The most one result image may be: an uncompressed RGBA image of the pixel budget (8192×8192×4
 * bytes, 256 MB). No encoded image within the budget is larger; a real Fooocus result (about 1 Mpx,
 * 2–8 Mpx upscaled) is a few MB.
 */
export const MAX_RESULT_IMAGE_BYTES = MAX_IMAGE_PIXELS * 4;

/** How far into the body the header is looked for (a JPEG's size follows its EXIF, up to 64 KB+). */
export const IMAGE_HEAD_BYTES = 192 * 1024;

/** The header states more pixels than the budget: the body was not read further, nothing decoded it. */
export class ResultImageTooLargeError extends Error {
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    super(overBudgetText(width, height).en);
    this.name = 'ResultImageTooLargeError';
  }
}

function joined(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The header check on the bytes so far: 'wait' until the size is known, 'ok' once it is within the
 * budget or cannot be read here (then the decoder's own limit is the second line).
 */
function headerVerdict(head: Uint8Array): 'wait' | 'ok' {
  const header = readImageHeader(head);
  if (header && header.width > 0 && header.height > 0) {
    if (isOverBudget(header)) throw new ResultImageTooLargeError(header.width, header.height);
    return 'ok';
  }
  // Not a known image type (decided by its first bytes), or no size within the first 192 KB.
  if ((!header && head.length >= 16) || head.length >= IMAGE_HEAD_BYTES) return 'ok';
  return 'wait';
}

/**
 * The whole body, at most `maxBytes`; throws ReplyTooLargeError past the cap (or when the stated
 * Content-Length is over it, without reading) and ResultImageTooLargeError on a bomb's header.
 * The body is cancelled either way, so the connection does not keep streaming.
 */
export async function readImageBody(
  response: Response,
  maxBytes = MAX_RESULT_IMAGE_BYTES,
): Promise<Uint8Array> {
  const stated = Number(response.headers.get('content-length') ?? 0);
  if (stated > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ReplyTooLargeError(`larger than ${maxBytes} bytes`);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  let verdict: 'wait' | 'ok' = 'wait';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) throw new ReplyTooLargeError(`larger than ${maxBytes} bytes`);
      parts.push(value);
      if (verdict === 'wait') {
        const head = joined(parts, size);
        parts.splice(0, parts.length, head);
        verdict = headerVerdict(head);
      }
    }
    if (verdict === 'wait' && size > 0) headerVerdict(joined(parts, size));
    return joined(parts, size);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** What the download reports for a refused image (naming it by `what`, e.g. its URL); null for other errors. */
export function imageRefusal(what: string, maxBytes: number, e: unknown): FooocusApiError | null {
  if (e instanceof ReplyTooLargeError) return replyTooLarge(what, maxBytes);
  if (e instanceof ResultImageTooLargeError)
    return new FooocusApiError({
      kind: 'bad-reply',
      ...messages.badReply(
        what,
        `an image whose header says ${e.width}×${e.height} pixels, over the budget of ${MAX_IMAGE_PIXELS.toLocaleString('en')} pixels Fooocus Flow accepts (not read further, not decoded)`,
      ),
    });
  return null;
}
