import { prepareImages } from '../../compiler/prepare/prepare.ts';
import { MissingAssetError } from '../run/inline-assets.ts';
import { assetImageAdapter } from '../assets/asset-image-adapter.ts';
import type { ImageAdapter, RasterImage } from '../../compiler/prepare/raster.ts';
import { compileNow } from './compile-scheduler.ts';
import { useEditor } from './editor-store.ts';
import { pixelInputs, sameInputs } from './pixel-inputs.ts';
import { withMissingAssets } from './missing-assets.ts';
import { useAssetView } from '../assets/asset-view.ts';

/**
 * The rules that need pixels — a mask with no white pixel (G-5), a mask of another shape than its
 * image (G-6), an image that cannot be decoded — live in the async `prepareImages`. This runs it in
 * the background whenever an image, a mask's invert flag or an image wire changes, so those problems
 * show on their nodes while the user edits, not only once Run is pressed; and the request view shows
 * the images as they will be sent (measured, masks fitted, misread encodings converted).
 */
export const PIXEL_CHECK_DEBOUNCE_MS = 250;

/**
 * Decodes uploads only (remote URLs are the server's to fetch, and fetching each prefix of a URL
 * being typed would be wasteful), and each one once while it stays in the document.
 */
function backgroundAdapter(): ImageAdapter & { keepOnly(sources: Set<unknown>): void; missing: Set<string> } {
  const decoded = new Map<string, Promise<RasterImage>>();
  const missing = new Set<string>();
  return {
    missing,
    decode(src) {
      if (/^https?:/i.test(src))
        return Promise.reject(new Error('remote image: not fetched in the background'));
      let p = decoded.get(src);
      if (!p) {
        p = assetImageAdapter.decode(src);
        decoded.set(src, p);
        p.catch((err) => {
          decoded.delete(src);
          if (err instanceof MissingAssetError) missing.add(err.hash);
        });
      }
      return p;
    },
    encodePng: assetImageAdapter.encodePng,
    encodeJpeg: assetImageAdapter.encodeJpeg,
    keepOnly(sources) {
      for (const src of decoded.keys()) if (!sources.has(src)) decoded.delete(src);
      missing.clear();
    },
  };
}

export function startPixelCheck(): () => void {
  let last: unknown[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let generation = 0;
  const adapter = backgroundAdapter();

  const check = async () => {
    const doc = useEditor.getState().doc;
    const inputs = pixelInputs(doc);
    adapter.keepOnly(new Set(inputs));
    const mine = ++generation;
    // A check that fails as a whole finds nothing: better no finding than a stale one.
    const found = await prepareImages(doc, adapter).catch(() => ({ images: {}, diagnostics: [] }));
    // A newer change started another check: this one's findings are about pixels no longer there.
    if (mine !== generation) return;
    const diagnostics = withMissingAssets(doc, found.diagnostics, adapter.missing);
    useEditor.setState({ pixelCheck: { inputs, images: found.images, diagnostics } });
    compileNow();
  };

  const onChange = () => {
    const inputs = pixelInputs(useEditor.getState().doc);
    if (sameInputs(inputs, last)) return;
    last = inputs;
    generation++;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void check();
    }, PIXEL_CHECK_DEBOUNCE_MS);
  };

  onChange();
  const unsub = useEditor.subscribe((s, prev) => {
    if (s.doc !== prev.doc) onChange();
  });
  // An image that was missing is now stored (a file with it opened, picked again): check again.
  const unsubAssets = useAssetView.subscribe((s, prev) => {
    if (adapter.missing.size > 0 && [...adapter.missing].some((h) => s.thumbs[h] && !prev.thumbs[h])) {
      last = [];
      onChange();
    }
  });
  return () => {
    unsub();
    unsubAssets();
    if (timer) clearTimeout(timer);
  };
}
