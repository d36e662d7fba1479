import { assetImageAdapter } from '../assets/asset-image-adapter.ts';
import type { CompileResult } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { loadCompiler, serverCatalog } from '../store/compile-scheduler.ts';
import { requestWithImages } from './inline-assets.ts';
import { browserAssetStore } from '../assets/asset-db.ts';

/**
 * A workflow that asks for a random seed keeps asking in what leaves the editor: -1, which FooocusAPI
 * replaces with a fresh random seed on every call, as Run draws a fresh one on every press. (A fixed
 * preview seed would make every run of a copied snippet repeat one image that Run never made.)
 */
export const RANDOM_SEED = -1;

/**
 * The request exactly as a run would send it, images inlined — images measured, masks fitted, misread encodings
 * converted — whether or not the background pixel check has caught up with the last edit. The seed is the
 * workflow's own, or RANDOM_SEED (-1) when it asks for a random one, as the request view shows it.
 */
export async function requestAsSent(doc: Workflow): Promise<CompileResult> {
  const [{ compile }, { prepareImages }] = await Promise.all([
    loadCompiler(),
    import('../../compiler/prepare/index.ts'),
  ]);
  const prep = await prepareImages(doc, assetImageAdapter, browserAssetStore).catch(() => ({ images: {} }));
  const res = compile(doc, { images: prep.images, catalog: serverCatalog(), seed: RANDOM_SEED });
  // Copy, Export and snippets carry the images themselves (base64), made from the stored bytes now.
  const steps = await Promise.all(
    res.steps.map(async (s) => ({
      ...s,
      request: await requestWithImages(s.request).catch(() => s.request),
    })),
  );
  return { ...res, steps, request: steps[0]!.request };
}
