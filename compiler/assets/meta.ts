import type { AssetMeta } from '../../nodes/assets.ts';
import { readImageHeader } from '../prepare/image-header.ts';
import { sha256Hex } from './hash.ts';

/** What bytes that are not a known image are called: prepare then reports them as undecodable. */
export const UNKNOWN_TYPE = 'application/octet-stream';

/** An asset's metadata from its bytes: hash, sniffed type, size as stored (EXIF ignored, as Fooocus does). */
export async function assetMetaOf(bytes: Uint8Array): Promise<AssetMeta> {
  const header = readImageHeader(bytes);
  return {
    hash: await sha256Hex(bytes),
    type: header?.type ?? UNKNOWN_TYPE,
    width: header?.width ?? 0,
    height: header?.height ?? 0,
    bytes: bytes.length,
  };
}
