import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { thumbSize, toHex } from '../../app/assets/thumb-size.ts';
import { requestLines, shortValue } from '../../app/lib/request-lines.ts';
import type { AssetMeta } from '../../nodes/assets.ts';

const HASH = 'ab'.repeat(32);
const META: AssetMeta = {
  hash: HASH,
  type: 'image/jpeg',
  width: 4000,
  height: 3000,
  bytes: 7.5 * 1024 * 1024,
};

describe('asset bytes', () => {
  it('writes a digest as the lower-case hex the document uses', () => {
    const bytes = Buffer.from('a photo');
    const digest = createHash('sha256').update(bytes).digest();
    expect(toHex(digest.buffer.slice(digest.byteOffset, digest.byteOffset + 32))).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
  });

  it('makes thumbnails at most 320 px on the long side, same shape, never upscaled', () => {
    expect(thumbSize(4000, 3000)).toEqual({ width: 320, height: 240 });
    expect(thumbSize(3000, 4000)).toEqual({ width: 240, height: 320 });
    expect(thumbSize(100, 50)).toEqual({ width: 100, height: 50 });
    expect(thumbSize(10000, 10)).toEqual({ width: 320, height: 1 });
  });
});

describe('request view of assets', () => {
  it('shows an asset as its size and type, not as data', () => {
    expect(shortValue(`asset:${HASH}`, { [HASH]: META })).toBe('<image 4000×3000 JPEG, 7.5 MB>');
    // Metadata not (yet) known: the short hash, never the raw reference pretending to be data.
    expect(shortValue(`asset:${HASH}`)).toBe(`<image ${HASH.slice(0, 12)}…>`);
    const lines = requestLines({ uov_input_image: `asset:${HASH}`, prompt: 'x' }, { [HASH]: META });
    expect(lines.find((l) => l.path === 'uov_input_image')?.text).toBe('<image 4000×3000 JPEG, 7.5 MB>,');
  });
});
