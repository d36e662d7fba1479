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

/** The stored request (JSON text) with its images inlined (as sent); as stored when an image is no longer here. */
export async function requestJsonWithImages(json: string): Promise<string> {
  try {
    return JSON.stringify(await requestWithImages(JSON.parse(json) as FooocusRequest));
  } catch {
    return json;
  }
}
