import { browserImageAdapter } from './browser-image-adapter.ts';
import type { ImageAdapter } from '../../compiler/prepare/raster.ts';
import { decodePixels } from './worker-client.ts';

/** The browser's image adapter, decoding asset bytes in the asset worker (not on the main thread). */
export const assetImageAdapter: ImageAdapter = {
  decode: (src) => browserImageAdapter.decode(src),
  decodeBytes: (bytes) => decodePixels(new Blob([bytes as Uint8Array<ArrayBuffer>])),
  encodePng: (img) => browserImageAdapter.encodePng(img),
  encodeJpeg: (img) => browserImageAdapter.encodeJpeg(img),
};
