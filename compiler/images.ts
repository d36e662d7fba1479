import { assetHashOf } from '../nodes/assets.ts';
import type { Workflow, WorkflowNode } from '../nodes/graph.ts';
import type { Size } from '../contract/sizes.ts';

/**
 * An image after `prepare`, with its pixel size: an asset reference when its bytes are sent as they
 * are (inlined at send time, `inlineRequestImages`), a data URL when prepare made new bytes (a mask
 * fitted to its image, an encoding Fooocus misreads converted), or an http URL the server fetches.
 */
export interface PreparedImage {
  data: string;
  width: number;
  height: number;
}
export type PreparedImages = Record<string, PreparedImage>;

/** The image string a node contributes: the prepared one when `prepare` ran, else its param. */
export function imageOf(node: WorkflowNode, prepared: PreparedImages): string {
  return prepared[node.id]?.data ?? String(node.params.image ?? '');
}

/**
 * A node's known pixel size: from `prepare`, else its asset's metadata, else the width/height
 * stored with the image (URLs, documents from before version 2).
 */
export function knownSizeOf(
  node: WorkflowNode,
  prepared: PreparedImages,
  assets: Workflow['assets'],
): Size | null {
  const p = prepared[node.id];
  // 0×0: an image whose size nobody can know yet (a later step's input, compiler/steps).
  if (p && p.width > 0 && p.height > 0) return { width: p.width, height: p.height };
  const hash = assetHashOf(node.params.image);
  const meta = hash ? assets[hash] : undefined;
  if (meta && meta.width > 0 && meta.height > 0) return { width: meta.width, height: meta.height };
  const w = node.params.width;
  const h = node.params.height;
  return typeof w === 'number' && typeof h === 'number' && w > 0 && h > 0 ? { width: w, height: h } : null;
}
