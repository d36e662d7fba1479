import type { WorkflowNode } from '../nodes/graph.ts';
import type { Size } from './types.ts';

/** An image after `prepare`: inlined as a data URL (or kept as an http URL), with its pixel size. */
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

/** A node's known pixel size: from `prepare`, else the width/height stored with the image. */
export function knownSizeOf(node: WorkflowNode, prepared: PreparedImages): Size | null {
  const p = prepared[node.id];
  if (p) return { width: p.width, height: p.height };
  const w = node.params.width;
  const h = node.params.height;
  return typeof w === 'number' && typeof h === 'number' && w > 0 && h > 0 ? { width: w, height: h } : null;
}
