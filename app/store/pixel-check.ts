import { prepareImages } from '../../compiler/prepare/prepare.ts';
import { browserImageAdapter } from '../../compiler/prepare/browser-adapter.ts';
import type { ImageAdapter, RasterImage } from '../../compiler/prepare/raster.ts';
import { compileNow } from './compile-scheduler.ts';
import { useEditor } from './editor-store.ts';
import { pixelInputs, sameInputs } from './pixel-inputs.ts';

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
function backgroundAdapter(): ImageAdapter & { keepOnly(sources: Set<unknown>): void } {
  const decoded = new Map<string, Promise<RasterImage>>();
  return {
    decode(src) {
      if (/^https?:/i.test(src))
        return Promise.reject(new Error('remote image: not fetched in the background'));
      let p = decoded.get(src);
      if (!p) {
        p = browserImageAdapter.decode(src);
        decoded.set(src, p);
        p.catch(() => decoded.delete(src));
      }
      return p;
    },
    decodeBytes: (bytes) => browserImageAdapter.decodeBytes(bytes),
    encodePng: (img) => browserImageAdapter.encodePng(img),
    encodeJpeg: (img) => browserImageAdapter.encodeJpeg(img),
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
    const found = await prepareImages(doc, adapter).catch(() => ({ images: {}, diagnostics: [] }));
    // A newer change started another check: this one's findings are about pixels no longer there.
    if (mine !== generation) return;
    useEditor.setState({ pixelCheck: { inputs, images: found.images, diagnostics: found.diagnostics } });
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
  return () => {
    unsub();
    if (timer) clearTimeout(timer);
  };
}
