import type { ImageAdapter, RasterImage } from '../../compiler/prepare/raster.ts';
import { RemoteImageNotFetchedError } from '../../compiler/prepare/remote-image.ts';
import { compileSoon } from './compile-scheduler.ts';
import { useEditor } from './editor-store.ts';
import { pixelInputs, sameInputs } from './pixel-inputs.ts';
import { assetImageAdapter } from '../assets/asset-image-adapter.ts';
import { browserAssetStore } from '../assets/asset-db.ts';
import { useAssetView } from '../assets/asset-view.ts';

/**
 * The rules that need pixels — a mask with no white pixel (G-5), a mask of another shape than its
 * image (G-6), an image that cannot be decoded, an image missing from storage — live in the async
 * `prepareImages`. This runs it in the background whenever an image, a mask's invert flag or an
 * image wire changes, so those problems show on their nodes while the user edits, not only once Run
 * is pressed; and the request view shows the images as they will be sent (measured, masks fitted,
 * misread encodings converted).
 */
export const PIXEL_CHECK_DEBOUNCE_MS = 250;

/**
 * Decodes uploads only (remote URLs are the server's to fetch, and fetching each prefix of a URL
 * being typed would be wasteful). Assets are decoded in the asset worker, off the main thread, and
 * only when pixels are needed (masks, encodings Fooocus misreads): an ordinary photo is measured
 * from its header. Each data URL is decoded once while it stays in the document.
 */
function backgroundAdapter(): ImageAdapter & { keepOnly(sources: Set<unknown>): void } {
  const decoded = new Map<string, Promise<RasterImage>>();
  return {
    decode(src) {
      if (/^https?:/i.test(src)) return Promise.reject(new RemoteImageNotFetchedError(src));
      let p = decoded.get(src);
      if (!p) {
        p = assetImageAdapter.decode(src);
        decoded.set(src, p);
        p.catch(() => decoded.delete(src));
      }
      return p;
    },
    decodeBytes: assetImageAdapter.decodeBytes,
    encodePng: assetImageAdapter.encodePng,
    encodeJpeg: assetImageAdapter.encodeJpeg,
    keepOnly(sources) {
      for (const src of decoded.keys()) if (!sources.has(src)) decoded.delete(src);
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
    // The image checks come with the compiler, not in the first load.
    const { prepareImages } = await import('../../compiler/prepare/prepare.ts');
    const found = await prepareImages(doc, adapter, browserAssetStore).catch(() => ({
      images: {},
      diagnostics: [],
    }));
    // A newer change started another check: this one's findings are about pixels no longer there.
    if (mine !== generation) return;
    useEditor.setState({ pixelCheck: { inputs, images: found.images, diagnostics: found.diagnostics } });
    await compileSoon();
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
    const found = useEditor.getState().pixelCheck?.diagnostics.some((d) => d.code === 'S-missing-asset');
    if (found && Object.keys(s.metas).length !== Object.keys(prev.metas).length) {
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
