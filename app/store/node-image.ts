import type { AssetMeta } from '../../nodes/assets.ts';
import { commit } from './editor-store.ts';

/**
 * Sets the image and, when the node has them, its known width/height, as one step. An asset's
 * metadata goes in the document's `assets` table (a few numbers: the bytes stay in the store).
 */
export function setNodeImage(
  nodeId: string,
  field: string,
  src: string,
  size: { width: number | null; height: number | null },
  meta?: AssetMeta,
) {
  commit((d) => {
    const n = d.nodes.find((x) => x.id === nodeId);
    if (!n) return;
    n.params[field] = src;
    if ('width' in n.params) n.params.width = size.width;
    if ('height' in n.params) n.params.height = size.height;
    if (meta && !d.assets[meta.hash]) d.assets[meta.hash] = meta;
  });
}
