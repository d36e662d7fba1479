import { compile } from '../../compiler/compile.ts';
import { prepareImages } from '../../compiler/prepare/index.ts';
import { assetImageAdapter } from '../assets/asset-image-adapter.ts';
import type { CompileResult } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { serverCatalog } from '../store/compile-scheduler.ts';
import { requestWithImages } from './inline-assets.ts';
import { browserAssetStore } from '../assets/asset-db.ts';

/**
 * The request exactly as a run would send it, images inlined — images measured, masks fitted, misread encodings
 * converted — whether or not the background pixel check has caught up with the last edit. Same
 * seed as the request view: the workflow's own, or a stable one when it asks for a random seed.
 */
export async function requestAsSent(doc: Workflow): Promise<CompileResult> {
  const prep = await prepareImages(doc, assetImageAdapter, browserAssetStore).catch(() => ({ images: {} }));
  const res = compile(doc, { images: prep.images, catalog: serverCatalog() });
  // Copy, Export and snippets carry the images themselves (base64), made from the stored bytes now.
  const steps = await Promise.all(
    res.steps.map(async (s) => ({
      ...s,
      request: await requestWithImages(s.request).catch(() => s.request),
    })),
  );
  return { ...res, steps, request: steps[0]!.request };
}
