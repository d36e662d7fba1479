import { assetRef, type AssetMeta } from '../../nodes/assets.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { dataUrlBytes } from '../assets/data-url.ts';
import { assetMetaOf } from '../assets/meta.ts';
import type { FileError } from './parse.ts';

export interface Interned {
  workflow: Workflow;
  /** The bytes of every image taken out of the params, by hash, for the caller's asset store. */
  bytes: Map<string, Uint8Array>;
  errors: FileError[];
}

/**
 * Turns every inline `data:image/...` param (version-1 files, requests being decompiled, editor
 * drafts made before version 2) into an asset: the param becomes `asset:<sha256>`, the metadata
 * goes into `workflow.assets` and the bytes are returned. Each distinct data URL is hashed once.
 */
export async function internInlineImages(wf: Workflow): Promise<Interned> {
  const bytes = new Map<string, Uint8Array>();
  const errors: FileError[] = [];
  const byUrl = new Map<string, AssetMeta | null>();
  const assets = { ...wf.assets };
  const nodes = [];
  for (const [i, n] of wf.nodes.entries()) {
    let params = n.params;
    for (const [param, value] of Object.entries(n.params)) {
      if (typeof value !== 'string' || !value.startsWith('data:')) continue;
      let meta = byUrl.get(value);
      if (meta === undefined) {
        const raw = dataUrlBytes(value);
        meta = raw ? await assetMetaOf(raw) : null;
        byUrl.set(value, meta);
        if (raw && meta) {
          bytes.set(meta.hash, raw);
          assets[meta.hash] = meta;
        }
      }
      if (!meta) {
        errors.push({
          path: `nodes[${i}].params.${param}`,
          message: 'an inline image that is not base64 data; pick the image file again',
          node: n.id,
        });
        continue;
      }
      params = { ...params, [param]: assetRef(meta.hash) };
    }
    nodes.push(params === n.params ? n : { ...n, params });
  }
  return { workflow: { ...wf, nodes, assets }, bytes, errors };
}
