/**
 * Standard base64 for asset bytes, in pure TypeScript (the browser has no Buffer; `btoa` wants a
 * binary string, which doubles the memory of an 8 MB photo). Table-driven, one pass.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENC = new TextEncoder();
const DEC = new TextDecoder();
const CODES = ENC.encode(ALPHABET);
const VALUES = new Int16Array(256).fill(-1);
CODES.forEach((c, i) => (VALUES[c] = i));

/** Base64 text of `bytes` (with `=` padding). */
export function encodeBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = CODES[n >>> 18]!;
    out[o++] = CODES[(n >>> 12) & 63]!;
    out[o++] = CODES[(n >>> 6) & 63]!;
    out[o++] = CODES[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o] = CODES[n >>> 18]!;
    out[o + 1] = CODES[(n >>> 12) & 63]!;
    out[o + 2] = rest === 2 ? CODES[(n >>> 6) & 63]! : 61; // '='
    out[o + 3] = 61;
  }
  return DEC.decode(out);
}

/**
 * The bytes of base64 text, or null when it is not base64 (a character outside the alphabet, a
 * length that is not a multiple of 4, padding in the middle). Whitespace is not accepted.
 */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const src = ENC.encode(text);
  if (src.length !== text.length) return null; // non-ASCII
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((src.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < src.length; i += 4) {
    const last = i + 4 === src.length;
    const a = VALUES[src[i]!]!;
    const b = VALUES[src[i + 1]!]!;
    const c = last && pad === 2 ? 0 : VALUES[src[i + 2]!]!;
    const d = last && pad >= 1 ? 0 : VALUES[src[i + 3]!]!;
    if ((a | b | c | d) < 0) return null;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    if (o < out.length) out[o++] = (n >>> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
