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

/**
 * Two output characters per 12 bits, written as one 16-bit unit: half the stores of a
 * character-at-a-time loop (an 8 MB photo is encoded on every send). The pair is laid out in the
 * platform's byte order, so the bytes read back as "first, second".
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const PAIRS = new Uint16Array(4096);
for (let i = 0; i < 4096; i++) {
  const first = CODES[i >> 6]!;
  const second = CODES[i & 63]!;
  PAIRS[i] = LITTLE_ENDIAN ? first | (second << 8) : (first << 8) | second;
}

/** Base64 text of `bytes` (with `=` padding). */
export function encodeBase64(bytes: Uint8Array): string {
  const whole = bytes.length - (bytes.length % 3);
  const out = new Uint16Array(Math.ceil(bytes.length / 3) * 2);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = PAIRS[n >>> 12]!;
    out[o++] = PAIRS[n & 4095]!;
  }
  const text = new Uint8Array(out.buffer);
  const rest = bytes.length - whole;
  if (rest > 0) {
    const n = (bytes[whole]! << 16) | (rest === 2 ? bytes[whole + 1]! << 8 : 0);
    const at = o * 2;
    text[at] = CODES[n >>> 18]!;
    text[at + 1] = CODES[(n >>> 12) & 63]!;
    text[at + 2] = rest === 2 ? CODES[(n >>> 6) & 63]! : 61; // '='
    text[at + 3] = 61;
  }
  return DEC.decode(text);
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
