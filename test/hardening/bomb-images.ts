/**
 * Decompression bombs for tests: real, valid PNGs that are tiny on disk and huge once decoded. A
 * 1-bit greyscale 16000×16000 PNG is 32 MB of zero rows deflated to ~32 KB, decodes to 256 Mpx
 * (1 GB as RGBA), and is an encoding Fooocus misreads, so prepare would decode it to convert it.
 */
import { deflateSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { FIXTURES } from '../compiler/helpers.ts';

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** A valid 1-bit greyscale PNG of `side`×`side` black pixels; `salt` makes each one a different file. */
export function bombPng(side = 16000, salt = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = 1 + Math.ceil(side / 8);
  const raw = Buffer.alloc(row * side);
  raw[row - 1] = salt & 0xff;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * The inpaint template with `image` as its photo and mask and `prompt` as its image prompt: a
 * version-1 file (inline data URLs), as shared.
 */
export function inpaintWorkflow(images: { photo: string; mask: string; prompt: string }): string {
  const wf = JSON.parse(readFileSync(`${FIXTURES}/workflows/template-inpaint-image-prompt.json`, 'utf8')) as {
    nodes: { id: string; params?: Record<string, unknown> }[];
  };
  const set = (id: string, src: string) => (wf.nodes.find((n) => n.id === id)!.params!.image = src);
  set('inputImage-1', images.photo);
  set('mask-1', images.mask);
  set('inputImage-2', images.prompt);
  return JSON.stringify(wf);
}

export const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
