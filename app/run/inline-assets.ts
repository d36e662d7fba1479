import { inlineRequestImages } from '../../compiler/assets/inline-request.ts';
import type { FooocusRequest } from '../../contract/fields.ts';
import { browserAssetStore } from '../assets/asset-db.ts';

/**
 * The request with its images' bytes (base64) from this browser's asset store: made only when the
 * request leaves the editor (a run, Copy, Export), so the live view and every edit stay light.
 */
export function requestWithImages(request: FooocusRequest): Promise<FooocusRequest> {
  return inlineRequestImages(request, browserAssetStore);
}
