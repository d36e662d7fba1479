/**
 * Sending: the compiled request names uploaded images by asset reference (so compile, the request
 * view and undo stay small); the body sent to FooocusAPI needs the bytes. This builds it at send
 * time from the stored bytes, as they are — an ordinary PNG/JPEG/WebP is never re-encoded, so the
 * request carries base64 of the file: 4/3 of its size.
 */
import { assetHashOf, type AssetReader } from '../../nodes/assets.ts';
import { readImageHeader } from '../prepare/image-header.ts';
import { IMAGE_FIELDS, type FooocusRequest } from '../../contract/fields.ts';
import { bytesToDataUrl } from './data-url.ts';

export class MissingAssetError extends Error {
  constructor(
    readonly hash: string,
    readonly field: string,
  ) {
    super(
      `${field}: the image ${hash.slice(0, 12)}… is not stored here; pick the file again (or bind it with --input)`,
    );
  }
}

/** The request with every `asset:<hash>` image replaced by a base64 data URL of the asset's bytes. */
export async function inlineRequestImages(
  request: FooocusRequest,
  assets: AssetReader,
): Promise<FooocusRequest> {
  const cache = new Map<string, string>();
  const inline = async (value: unknown, field: string): Promise<unknown> => {
    const hash = assetHashOf(value);
    if (!hash) return value;
    let url = cache.get(hash);
    if (url === undefined) {
      const bytes = await assets.get(hash);
      if (!bytes) throw new MissingAssetError(hash, field);
      url = bytesToDataUrl(bytes, readImageHeader(bytes)?.type ?? 'image/png');
      cache.set(hash, url);
    }
    return url;
  };
  const out: Record<string, unknown> = { ...request };
  for (const f of IMAGE_FIELDS) if (f in out) out[f] = await inline(out[f], f);
  if (Array.isArray(out.controlnet_image)) {
    out.controlnet_image = await Promise.all(
      (out.controlnet_image as Record<string, unknown>[]).map(async (slot, i) => ({
        ...slot,
        cn_img: await inline(slot.cn_img, `controlnet_image[${i}].cn_img`),
      })),
    );
  }
  return out as FooocusRequest;
}

/** Whether a request still names assets (it must go through `inlineRequestImages` before sending). */
export function hasAssetRefs(request: FooocusRequest): boolean {
  const r = request as Record<string, unknown>;
  return (
    IMAGE_FIELDS.some((f) => assetHashOf(r[f]) !== null) ||
    (Array.isArray(r.controlnet_image) &&
      (r.controlnet_image as Record<string, unknown>[]).some((s) => assetHashOf(s.cn_img) !== null))
  );
}
