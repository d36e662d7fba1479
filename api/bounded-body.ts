/**
 * Reading a reply body with a byte cap: a broken or hostile server can send an endless body, and
 * `response.text()` would hold all of it. The body is streamed and cancelled once it passes the cap.
 */
import { FooocusApiError, messages } from './errors.ts';

/**
 * The most a JSON reply (a task record, a page of /tasks, a validation error) may be. The largest
 * real ones are the sync generate's base64 results — a few images of a few MB — so 64 MB leaves
 * room and still bounds memory.
 */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** Bytes of an error reply worth reading: its message is cut to 200 characters anyway. */
export const MAX_ERROR_REPLY_BYTES = 64 * 1024;

export class ReplyTooLargeError extends Error {}

/** The body as UTF-8 text, at most `maxBytes`; throws ReplyTooLargeError (after cancelling) past it. */
export async function readBodyText(response: Response, maxBytes: number): Promise<string> {
  const stated = Number(response.headers.get('content-length') ?? 0);
  if (stated > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ReplyTooLargeError(`larger than ${maxBytes} bytes`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  let size = 0;
  const parts: string[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) throw new ReplyTooLargeError(`larger than ${maxBytes} bytes`);
      parts.push(decoder.decode(value, { stream: true }));
    }
    parts.push(decoder.decode());
    return parts.join('');
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** What a caller reports for a reply over the cap. */
export function replyTooLarge(what: string, maxBytes: number): FooocusApiError {
  return new FooocusApiError({
    kind: 'bad-reply',
    ...messages.badReply(what, `a reply larger than ${Math.round(maxBytes / 1048576)} MB (not read further)`),
  });
}

/** The first `maxBytes` of an error reply as text (the rest is cancelled), '' when unreadable. */
export async function readErrorText(response: Response, maxBytes = MAX_ERROR_REPLY_BYTES): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      const part = value.subarray(0, maxBytes - size);
      size += part.length;
      text += decoder.decode(part, { stream: true });
    }
    return text + decoder.decode();
  } catch {
    return text;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
