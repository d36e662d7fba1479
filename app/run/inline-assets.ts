import { assetHashOf } from '../../nodes/assets.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { getAssetRecord, hasAssetRecord } from '../assets/asset-db.ts';

/** An asset the request refers to is not in this browser's storage. */
export class MissingAssetError extends Error {
  constructor(readonly hash: string) {
    super(`image asset ${hash.slice(0, 12)}… is not in this browser's storage: load the image again`);
  }
}

function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(blob);
  });
}

/**
 * The request with every `asset:<hash>` replaced by the image's base64 data URL: done only when the
 * request leaves the editor (a run, Copy, Export), so the live view and every edit stay light. The
 * browser encodes the base64 natively (FileReader), not a loop on the main thread.
 */
export async function inlineAssets<T>(request: T): Promise<T> {
  const urls = new Map<string, Promise<string>>();
  const resolve = (hash: string) => {
    let p = urls.get(hash);
    if (!p) {
      p = getAssetRecord(hash).then((rec) => {
        if (!rec) throw new MissingAssetError(hash);
        return blobToDataUrl(rec.blob);
      });
      urls.set(hash, p);
    }
    return p;
  };
  const walk = async (v: unknown): Promise<unknown> => {
    if (typeof v === 'string') {
      const hash = assetHashOf(v);
      return hash ? resolve(hash) : v;
    }
    if (Array.isArray(v)) return Promise.all(v.map(walk));
    if (v && typeof v === 'object') {
      const entries = await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await walk(x)] as const));
      return Object.fromEntries(entries);
    }
    return v;
  };
  return (await walk(request)) as T;
}

/** The image assets a workflow's nodes use that this browser's storage does not have. */
export async function missingAssets(wf: Pick<Workflow, 'nodes'>): Promise<Set<string>> {
  const hashes = new Set<string>();
  for (const n of wf.nodes)
    for (const v of Object.values(n.params)) {
      const h = assetHashOf(v);
      if (h) hashes.add(h);
    }
  const missing = new Set<string>();
  for (const h of hashes) if (!(await hasAssetRecord(h))) missing.add(h);
  return missing;
}
