import { ImageTooLargeError, overBudgetText } from '../../compiler/prepare/pixel-budget.ts';
import { assetHashOf, assetRef, type AssetMeta } from '../../nodes/assets.ts';
import { translate } from '../i18n/i18n.ts';
import { localText, toast, useEditor } from '../store/editor-store.ts';
import { analyseImageBlob, getAssetRecord, writeAssetRecord } from './asset-db.ts';
import { showAsset } from './asset-view.ts';
import { NotAnImageError } from './image-admission.ts';

export interface ImportedImage {
  /** `asset:<hash>`: what an image parameter holds. */
  ref: string;
  meta: AssetMeta;
}

/** An image file taken in, or refused with a reason to show the user (title and what to do). */
export type ImageImport = { ok: true; image: ImportedImage } | { ok: false; title: string; reason: string };

/**
 * Puts an image (a picked, dropped or pasted file, a painted mask, a result) in the asset store:
 * hashed, measured and thumbnailed off the main thread, so the editor stays responsive and the
 * document only gets a reference. A file that is no image, or whose header states more pixels than
 * the budget (a decompression bomb: refused before any decode), comes back refused, naming the file.
 * `onPreview` gets an object URL of the thumbnail as soon as it is drawn, before the hash (which
 * the reference needs) is known: the caller can show the photo at once. The URL stays valid while
 * the asset is shown (it becomes the asset's thumbnail URL).
 */
export async function tryImportImage(
  blob: Blob,
  name = '',
  onPreview?: (thumbUrl: string) => void,
): Promise<ImageImport> {
  const lang = useEditor.getState().lang;
  const label = name || 'image';
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
      toast('error', translate(lang, 'asset.storeFailed', { name: label }), String(err)),
    );
    return { ok: true, image: { ref: assetRef(rec.meta.hash), meta: rec.meta } };
  } catch (err) {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    return { ok: false, ...refusalOf(err, label) };
  }
}

/** Why an image file was refused, for the user: the title names the file, the reason says what to do. */
export function refusalOf(err: unknown, name: string): { title: string; reason: string } {
  const lang = useEditor.getState().lang;
  if (err instanceof ImageTooLargeError)
    return {
      title: translate(lang, 'asset.tooLarge', { name }),
      reason: localText(overBudgetText(err.width, err.height)),
    };
  return {
    title: translate(lang, 'asset.unreadable', { name }),
    reason: err instanceof NotAnImageError ? translate(lang, 'asset.notImage') : (err as Error).message,
  };
}

/** As tryImportImage, for callers with no place of their own to say why: a refusal is a toast. */
export async function importImage(blob: Blob, name = ''): Promise<ImportedImage | null> {
  const r = await tryImportImage(blob, name);
  if (r.ok) return r.image;
  toast('error', r.title, r.reason);
  return null;
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
