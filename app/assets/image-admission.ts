import { readImageHeader, type ImageHeader } from '../../compiler/prepare/image-header.ts';
import { assertWithinBudget } from '../../compiler/prepare/pixel-budget.ts';

/** The types the browser's decoders (and the asset worker) take. */
const DECODABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/bmp']);

/** Where a photo's header (with its EXIF block, up to 64 KB) ends in practice. */
export const HEAD_BYTES = 256 * 1024;

/** A file whose first bytes are not those of an image the editor takes. */
export class NotAnImageError extends Error {
  constructor() {
    super('not a PNG, JPEG, WebP, GIF or BMP image');
    this.name = 'NotAnImageError';
  }
}

/**
 * Whether the editor takes an image, from its first bytes alone (the file name or MIME type may
 * lie): its header, or NotAnImageError, or ImageTooLargeError for a header stating more pixels than
 * the budget (a decompression bomb, refused before anything decodes it). The worker asks this of
 * every file; a drop on the canvas asks it first, so a refused file never gets a node.
 */
export function admitImage(head: Uint8Array): ImageHeader {
  const header = readImageHeader(head);
  if (!header || !DECODABLE.has(header.type)) throw new NotAnImageError();
  assertWithinBudget(header);
  return header;
}
