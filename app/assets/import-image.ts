import { assetHashOf, assetRef, type AssetMeta } from '../../nodes/assets.ts';
import { translate } from '../i18n/i18n.ts';
import { toast, useEditor } from '../store/editor-store.ts';
import { analyseImageBlob, getAssetRecord, writeAssetRecord } from './asset-db.ts';
import { showAsset } from './asset-view.ts';

export interface ImportedImage {
  /** `asset:<hash>`: what an image parameter holds. */
  ref: string;
  meta: AssetMeta;
}

/**
 * Puts an image (a picked, dropped or pasted file, a painted mask, a result) in the asset store:
 * hashed, measured and thumbnailed off the main thread, so the editor stays responsive and the
 * document only gets a reference. Null (and the user told which file) when it is not an image.
 * `onPreview` gets an object URL of the thumbnail as soon as it is drawn, before the hash (which
 * the reference needs) is known: the caller can show the photo at once. The URL stays valid while
 * the asset is shown (it becomes the asset's thumbnail URL).
 */
export async function importImage(
  blob: Blob,
  name = '',
  onPreview?: (thumbUrl: string) => void,
): Promise<ImportedImage | null> {
  const lang = useEditor.getState().lang;
  let previewUrl: string | undefined;
  try {
    const rec = await analyseImageBlob(
      blob,
      onPreview &&
        ((thumb) => {
          previewUrl = URL.createObjectURL(thumb);
          onPreview(previewUrl);
        }),
    );
    showAsset(rec, previewUrl);
    // The node shows the image now; the bytes reach IndexedDB meanwhile (autosave waits for them).
    writeAssetRecord(rec).catch((err: unknown) =>
      toast('error', translate(lang, 'asset.storeFailed', { name: name || 'image' }), String(err)),
    );
    return { ref: assetRef(rec.meta.hash), meta: rec.meta };
  } catch (err) {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    toast('error', translate(lang, 'asset.unreadable', { name: name || 'image' }), (err as Error).message);
    return null;
  }
}

/** An object URL of an asset's full image (the mask painter draws on it); revoke it when done. */
export async function assetObjectUrl(hash: string): Promise<string | null> {
  const rec = await getAssetRecord(hash);
  return rec ? URL.createObjectURL(rec.blob) : null;
}

/**
 * A URL an `<img>` or canvas can load for an image parameter: an asset's full image as an object
 * URL (freed when the caller is done), anything else as it is. Null when the asset is missing.
 */
export async function loadableUrl(value: string): Promise<{ url: string; free: () => void } | null> {
  const hash = assetHashOf(value);
  if (!hash) return { url: value, free: () => undefined };
  const url = await assetObjectUrl(hash);
  return url ? { url, free: () => URL.revokeObjectURL(url) } : null;
}
