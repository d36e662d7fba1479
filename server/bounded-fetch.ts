/**
 * The bounded download behind `--fetch-images` (and the simulated engine's image URLs): an http(s) image is streamed, and the download is
 * aborted as soon as it passes the byte limit (a stated Content-Length over it is refused before
 * the body is read) or the time limit. Memory stays at most the limit, whatever the server sends.
 */
import type { FetchImageBytes } from '../compiler/prepare/raster.ts';
import { megabytes } from '../compiler/text-size.ts';

export interface FetchImageLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** 50 MB is above any photo FooocusAPI would be sent (its uploads are base64 in a JSON body). */
export const FETCH_IMAGE_LIMITS: FetchImageLimits = { maxBytes: 50 * 1024 * 1024, timeoutMs: 20_000 };

/** A refusal by our own limits, said as it is (not wrapped as a network failure). */
class Refused extends Error {}

export function boundedImageFetch(
  limits: FetchImageLimits = FETCH_IMAGE_LIMITS,
  /** `anyStatus`: a 3xx/4xx body is read like any other (what httpx hands FooocusAPI). */
  init: Pick<RequestInit, 'redirect' | 'headers'> & { anyStatus?: boolean } = { redirect: 'follow' },
  fetchImpl: typeof fetch = fetch,
): FetchImageBytes {
  return async (url) => {
    const tooBig = () =>
      new Refused(`the download is larger than ${megabytes(limits.maxBytes)}, so it was stopped`);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
    try {
      const res = await fetchImpl(url, {
        redirect: init.redirect,
        headers: init.headers,
        signal: controller.signal,
      });
      if (!res.ok && !init.anyStatus) throw new Refused(`the server answered HTTP ${res.status}`);
      if (Number(res.headers.get('content-length') ?? 0) > limits.maxBytes) throw tooBig();
      if (!res.body) return new Uint8Array(0);
      const chunks: Uint8Array[] = [];
      let size = 0;
      const reader = res.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.length;
          if (size > limits.maxBytes) throw tooBig();
          chunks.push(value);
        }
      } finally {
        await reader.cancel().catch(() => undefined);
      }
      return Buffer.concat(chunks);
    } catch (err) {
      if (controller.signal.aborted)
        throw new Error(`the download took longer than ${limits.timeoutMs / 1000} s, so it was stopped`, {
          cause: err,
        });
      if (err instanceof Refused) throw err;
      throw new Error(`the download failed (${(err as Error).message})`, { cause: err });
    } finally {
      clearTimeout(timer);
      controller.abort(); // ends the connection of a refused body without reading it
    }
  };
}
