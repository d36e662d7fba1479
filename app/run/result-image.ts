/**
 * A result image fetched for the gallery with the same limits as the CLI's download
 * (api/bounded-image.ts): the body is streamed and cut at the byte cap, and an image whose header
 * states more pixels than the budget is refused before the browser decodes it. A hostile or broken
 * server at the configured address cannot make the tab hold or decode gigabytes.
 */
import { ReplyTooLargeError } from '../../api/bounded-body.ts';
import { MAX_RESULT_IMAGE_BYTES, readImageBody, ResultImageTooLargeError } from '../../api/bounded-image.ts';

/** Told when the server's reply for `url` was refused, with why, in plain words. */
export type RefusedImage = (url: string, why: string) => void;

/** The image as a Blob; null when the server does not serve it; `onRefused` told about a refusal. */
export async function fetchResultImage(url: string, onRefused: RefusedImage): Promise<Blob | null> {
  const res = await fetch(url);
  if (!res.ok) return null;
  try {
    const bytes = await readImageBody(res, MAX_RESULT_IMAGE_BYTES);
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: res.headers.get('content-type') ?? '' });
  } catch (e) {
    if (e instanceof ResultImageTooLargeError) onRefused(url, e.message);
    else if (e instanceof ReplyTooLargeError)
      onRefused(url, `the reply is larger than ${MAX_RESULT_IMAGE_BYTES / 1048576} MB (not read further)`);
    else throw e;
    return null;
  }
}
