import { compile } from '../../compiler/compile.ts';
import { prepareImages } from '../../compiler/prepare/index.ts';
import { browserImageAdapter } from '../../compiler/prepare/browser-adapter.ts';
import type { CompileResult } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { serverCatalog } from '../store/compile-scheduler.ts';

/**
 * The request exactly as a run would send it — images measured, masks fitted, misread encodings
 * converted — whether or not the background pixel check has caught up with the last edit. Same
 * seed as the request view: the workflow's own, or a stable one when it asks for a random seed.
 */
export async function requestAsSent(doc: Workflow): Promise<CompileResult> {
  const prep = await prepareImages(doc, browserImageAdapter).catch(() => ({ images: {} }));
  return compile(doc, { images: prep.images, catalog: serverCatalog() });
}
