import { decodeBase64, encodeBase64 } from './base64.ts';

/** The bytes of a base64 `data:` URL, or null when it is not one. */
export function dataUrlBytes(url: string): Uint8Array | null {
  const m = /^data:[^,]{0,200};base64,/i.exec(url.slice(0, 256));
  return m ? decodeBase64(url.slice(m[0].length)) : null;
}

/** A `data:` URL of bytes, as FooocusAPI reads it (contract §4.1: a `data:image` prefix, then base64). */
export function bytesToDataUrl(bytes: Uint8Array, type: string): string {
  const mime = type.startsWith('image/') ? type : 'image/png';
  return `data:${mime};base64,${encodeBase64(bytes)}`;
}
