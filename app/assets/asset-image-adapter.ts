import { browserImageAdapter } from '../../compiler/prepare/browser-adapter.ts';
import type { ImageAdapter, RasterImage } from '../../compiler/prepare/raster.ts';
import { assetHashOf } from '../../nodes/assets.ts';
import { MissingAssetError } from '../run/inline-assets.ts';
import { getAssetRecord } from './asset-db.ts';
import { decodePixels } from './worker-client.ts';

/** An asset's pixels, read from IndexedDB and decoded in the asset worker (not on the main thread). */
export async function decodeAsset(hash: string): Promise<RasterImage> {
  const rec = await getAssetRecord(hash);
  if (!rec) throw new MissingAssetError(hash);
  return decodePixels(rec.blob);
}

/** The browser's image adapter, reading `asset:<hash>` from the asset store. */
export const assetImageAdapter: ImageAdapter = {
  decode(src) {
    const hash = assetHashOf(src);
    return hash ? decodeAsset(hash) : browserImageAdapter.decode(src);
  },
  encodePng: (img) => browserImageAdapter.encodePng(img),
  encodeJpeg: (img) => browserImageAdapter.encodeJpeg(img),
};
