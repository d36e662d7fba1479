/**
 * The pixel check reads a photo's header, not its whole file: with a reader that can give the first
 * bytes (IndexedDB in the browser), an ordinary photo costs HEAD_BYTES per check however large it
 * is; the whole file is read only when its header lies further in or its pixels are needed.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { assetMetaOf } from '../../compiler/assets/meta.ts';
import { HEAD_BYTES, prepareImages } from '../../compiler/prepare/prepare.ts';
import { getTemplate } from '../../compiler/authoring/templates.ts';
import { nodeImageAdapter } from '../../cli/node-image-adapter.ts';
import { assetRef, type AssetReader } from '../../nodes/assets.ts';
import type { Workflow } from '../../nodes/graph.ts';

/** A store that counts how many bytes each kind of read handed out. */
function countingStore() {
  const items = new Map<string, Uint8Array>();
  const reads = { whole: 0, head: 0 };
  const reader: AssetReader = {
    async get(hash) {
      const b = items.get(hash);
      if (b) reads.whole += b.length;
      return b ?? null;
    },
    async head(hash, length) {
      const b = items.get(hash);
      if (!b) return null;
      const h = b.subarray(0, length);
      reads.head += h.length;
      return h;
    },
  };
  return { items, reads, reader };
}

/** A photo-like JPEG (noise, so it stays large): well over HEAD_BYTES. */
const noisyJpeg = (w: number, h: number) =>
  sharp({
    create: {
      width: w,
      height: h,
      channels: 3,
      background: '#806040',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 95 })
    .toBuffer();

/** The same JPEG with `n` 64 KB application segments before its frame header (big ICC/maker notes). */
function withPaddingSegments(jpeg: Buffer, n: number): Buffer {
  const seg = Buffer.alloc(4 + 65531);
  seg[0] = 0xff;
  seg[1] = 0xe2; // APP2
  seg.writeUInt16BE(65533, 2);
  return Buffer.concat([jpeg.subarray(0, 2), ...Array.from({ length: n }, () => seg), jpeg.subarray(2)]);
}

async function varyWith(items: Map<string, Uint8Array>, file: Buffer): Promise<{ wf: Workflow; id: string }> {
  const wf = getTemplate('vary-image-prompt')!.build();
  const bytes = new Uint8Array(file);
  const meta = await assetMetaOf(bytes);
  items.set(meta.hash, bytes);
  wf.assets[meta.hash] = meta;
  const id = wf.exposed.find((x) => x.name === 'image')!.nodeId;
  wf.nodes.find((n) => n.id === id)!.params.image = assetRef(meta.hash);
  return { wf, id };
}

describe('prepare reads an asset header-first', () => {
  it('an ordinary large photo is measured from its first bytes only', async () => {
    const { items, reads, reader } = countingStore();
    const file = await noisyJpeg(1600, 1200);
    expect(file.length).toBeGreaterThan(2 * HEAD_BYTES);
    const { wf, id } = await varyWith(items, file);
    const noDecode = { ...nodeImageAdapter, decodeBytes: () => Promise.reject(new Error('decoded')) };
    const prep = await prepareImages(wf, noDecode, reader);
    expect(prep.diagnostics).toEqual([]);
    expect(prep.images[id]).toMatchObject({ width: 1600, height: 1200 });
    expect(reads.whole).toBe(0);
    expect(reads.head).toBe(HEAD_BYTES);
  });

  it('a frame header beyond the first bytes is found by reading the whole file', async () => {
    const { items, reads, reader } = countingStore();
    const file = withPaddingSegments(await noisyJpeg(640, 480), 5);
    const { wf, id } = await varyWith(items, file);
    const prep = await prepareImages(wf, nodeImageAdapter, reader);
    expect(prep.diagnostics).toEqual([]);
    expect(prep.images[id]).toMatchObject({
      data: assetRef(wf.assets[Object.keys(wf.assets)[0]!]!.hash),
      width: 640,
      height: 480,
    });
    expect(reads.whole).toBe(file.length);
  });

  it('a reader without head is read whole, as before', async () => {
    const { items, reader } = countingStore();
    const file = await noisyJpeg(800, 600);
    const { wf, id } = await varyWith(items, file);
    const prep = await prepareImages(wf, nodeImageAdapter, { get: reader.get });
    expect(prep.images[id]).toMatchObject({ width: 800, height: 600 });
  });

  it('a missing asset is reported on its node, read header-first or not', async () => {
    const { items, reader } = countingStore();
    const { wf, id } = await varyWith(items, await noisyJpeg(64, 64));
    items.clear();
    const prep = await prepareImages(wf, nodeImageAdapter, reader);
    expect(prep.diagnostics.filter((d) => d.nodeId === id).map((d) => d.code)).toEqual(['S-missing-asset']);
  });
});
