/**
 * Images as assets: a workflow document never carries image bytes. An image parameter holds
 * `asset:<sha256 hex of the bytes>`; the document's `assets` table holds each asset's metadata
 * (small, so compile, undo patches, autosave and the clipboard stay independent of image size);
 * the bytes live in an asset store (IndexedDB in the browser, a folder for the CLI and app server,
 * or embedded in a self-contained workflow file). Pure TypeScript: no DOM, no Node APIs.
 */

export const ASSET_REF_PREFIX = 'asset:';

/** What the document knows about an asset: enough to plan sizes and show `<image 4000×3000 JPEG, 7.5 MB>`. */
export interface AssetMeta {
  /** Lower-case hex SHA-256 of the bytes: the asset's id. */
  hash: string;
  /** MIME type as sniffed from the bytes, e.g. `image/jpeg`. */
  type: string;
  /** Pixel size as Fooocus will read it (before any EXIF rotation, which FooocusAPI ignores). */
  width: number;
  height: number;
  /** Byte count of the file. */
  bytes: number;
}

/** Where asset bytes are read from and written to. */
export interface AssetReader {
  /** The bytes, or null when the store does not have them (deleted storage, a file saved without images). */
  get(hash: string): Promise<Uint8Array | null>;
  /**
   * The first `length` bytes (all of them when the file is shorter), or null when the store does
   * not have the asset. Optional: a store without it is read whole. The pixel check reads a photo's
   * header this way, not the 5–8 MB behind it.
   */
  head?(hash: string, length: number): Promise<Uint8Array | null>;
}

export interface AssetStore extends AssetReader {
  /** Keeps the bytes once (by hash) and returns their metadata. */
  put(bytes: Uint8Array, meta: Omit<AssetMeta, 'hash' | 'bytes'>): Promise<AssetMeta>;
  has(hash: string): Promise<boolean>;
}

const HASH = /^[0-9a-f]{64}$/;

export function isAssetHash(s: string): boolean {
  return HASH.test(s);
}

export function assetRef(hash: string): string {
  return ASSET_REF_PREFIX + hash;
}

/** The hash an image parameter refers to, or null when it is not an asset reference. */
export function assetHashOf(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith(ASSET_REF_PREFIX)) return null;
  const hash = value.slice(ASSET_REF_PREFIX.length);
  return isAssetHash(hash) ? hash : null;
}

/** `<image 4000×3000 JPEG, 7.5 MB>`: how the request view shows an image it does not inline. */
export function describeAsset(meta: Pick<AssetMeta, 'type' | 'width' | 'height' | 'bytes'>): string {
  const kind = (meta.type.split('/')[1] ?? 'image').toUpperCase();
  const size =
    meta.bytes >= 1024 * 1024
      ? `${(meta.bytes / (1024 * 1024)).toFixed(1)} MB`
      : `${Math.max(1, Math.round(meta.bytes / 1024))} KB`;
  return `<image ${meta.width}×${meta.height} ${kind}, ${size}>`;
}
