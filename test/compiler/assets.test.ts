/**
 * Images as assets: workflow file version 2 (migration of every fixture and of inline images,
 * self-contained export and templates without images), the seed over asset ids, prepare through an
 * asset reader (missing assets, EXIF orientation) and the request body built at send time.
 */
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createFooocusClient } from '../../api/client.ts';
import type { FooocusRequest } from '../../contract/index.ts';
import { decodeBase64, encodeBase64 } from '../../compiler/assets/base64.ts';
import { dataUrlBytes } from '../../compiler/assets/data-url.ts';
import { hasAssetRefs, inlineRequestImages } from '../../compiler/assets/inline-request.ts';
import { assetMetaOf } from '../../compiler/assets/meta.ts';
import { MemoryAssetStore } from '../../compiler/assets/memory-store.ts';
import { compile } from '../../compiler/compile.ts';
import { prepareImages } from '../../compiler/prepare/index.ts';
import { readImageHeader, withStoredOrientation } from '../../compiler/prepare/image-header.ts';
import { nodeImageAdapter } from '../../cli/node-image-adapter.ts';
import { seedText, stableSeed } from '../../compiler/seed.ts';
import { TEMPLATES, getTemplate } from '../../compiler/authoring/templates.ts';
import {
  exportWorkflow,
  openWorkflowJson,
  openWorkflowText,
  parseWorkflowText,
  serializeWorkflow,
} from '../../compiler/workflow-file/index.ts';
import { assetHashOf, assetRef, type AssetMeta } from '../../nodes/assets.ts';
import { WORKFLOW_VERSION, type Workflow } from '../../nodes/graph.ts';
import { FIXTURES } from './helpers.ts';

const png = (w: number, h: number, colour = '#336699') =>
  sharp({ create: { width: w, height: h, channels: 3, background: colour } })
    .png()
    .toBuffer();
const jpeg = (w: number, h: number, orientation?: number) => {
  const s = sharp({ create: { width: w, height: h, channels: 3, background: '#a05020' } });
  return (orientation ? s.withMetadata({ orientation }) : s).jpeg().toBuffer();
};
const dataUrl = (b: Buffer, type: string) => `data:${type};base64,${b.toString('base64')}`;

/** Every image param that is not an asset reference, an http URL or empty. */
function inlineParams(wf: Workflow): string[] {
  return wf.nodes.flatMap((n) =>
    Object.entries(n.params)
      .filter(([, v]) => typeof v === 'string' && v.startsWith('data:'))
      .map(([k]) => `${n.id}.${k}`),
  );
}

/** The Vary + Image Prompt template with its two exposed images set to assets in `store`. */
async function varyWithPhotos(store: MemoryAssetStore, files: Buffer[]): Promise<Workflow> {
  const wf = getTemplate('vary-image-prompt')!.build();
  const names = ['image', 'reference'];
  for (const [i, f] of files.entries()) {
    const bytes = new Uint8Array(f);
    const meta = await assetMetaOf(bytes);
    store.add(meta.hash, bytes);
    wf.assets[meta.hash] = meta;
    const id = wf.exposed.find((x) => x.name === names[i])!.nodeId;
    wf.nodes.find((n) => n.id === id)!.params.image = assetRef(meta.hash);
  }
  return wf;
}

describe('version 1 → 2: every fixture opens, inline images become assets', () => {
  const corpus = readdirSync(`${FIXTURES}/workflows`).map((f) => `${FIXTURES}/workflows/${f}`);
  const golden = readdirSync(`${FIXTURES}/golden`)
    .filter((f) => f.endsWith('.json'))
    .map((f) => `${FIXTURES}/golden/${f}`);

  it.each(corpus)('%s', async (path) => {
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text).version).toBe(1);
    const r = await openWorkflowText(text, path);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.migratedFrom).toBe(1);
    expect(r.workflow.version).toBe(WORKFLOW_VERSION);
    expect(inlineParams(r.workflow)).toEqual([]);
    for (const n of r.workflow.nodes) {
      const hash = assetHashOf(n.params.image);
      if (hash) {
        expect(r.workflow.assets[hash]?.hash).toBe(hash);
        expect(r.assets.get(hash)?.length).toBe(r.workflow.assets[hash]!.bytes);
      }
    }
  });

  it('a golden workflow saved as version 1 compiles, once opened, to the same request after inlining', async () => {
    for (const path of golden) {
      const g = JSON.parse(readFileSync(path, 'utf8'));
      const v1 = { ...g.workflow, version: 1 };
      delete v1.assets;
      const r = await openWorkflowJson(v1);
      if (!r.ok) throw new Error(`${path}: ${JSON.stringify(r.errors)}`);
      expect(inlineParams(r.workflow), path).toEqual([]);
      const store = new MemoryAssetStore();
      for (const [h, b] of r.assets) store.add(h, b);
      const before = compile(g.workflow, { seed: 7 });
      const after = compile(r.workflow, { seed: 7 });
      if (inlineParams(g.workflow).length) expect(JSON.stringify(after.request)).not.toMatch(/data:image/);
      const sent = await inlineRequestImages(after.request, store);
      // The stand-in images are not real files: only their bytes are compared (the MIME may be sniffed otherwise).
      const bytesOf = (v: unknown) =>
        typeof v === 'string' && v.startsWith('data:') ? [...dataUrlBytes(v)!] : v;
      expect(
        JSON.parse(JSON.stringify(sent), (_k, v) => bytesOf(v)),
        path,
      ).toEqual(JSON.parse(JSON.stringify(before.request), (_k, v) => bytesOf(v)));
      expect(after.diagnostics.map((d) => d.code).sort(), path).toEqual(
        before.diagnostics.map((d) => d.code).sort(),
      );
    }
  });

  it('one image used by two nodes becomes one asset', async () => {
    const photo = dataUrl(await png(40, 30), 'image/png');
    const wf = getTemplate('vary-image-prompt')!.build();
    for (const n of wf.nodes) if (n.kind === 'inputImage') n.params.image = photo;
    const r = await openWorkflowText(JSON.stringify({ ...wf, version: 1, assets: undefined }));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.assets.size).toBe(1);
    const [hash] = [...r.assets.keys()];
    expect(r.workflow.assets[hash!]).toEqual({
      hash,
      type: 'image/png',
      width: 40,
      height: 30,
      bytes: r.assets.get(hash!)!.length,
    });
  });

  it('an inline image that is not base64 is refused at its path', async () => {
    const wf = getTemplate('vary-image-prompt')!.build();
    const i = wf.nodes.findIndex((n) => n.kind === 'inputImage');
    wf.nodes[i]!.params.image = 'data:image/png;base64,@@@@';
    const r = await openWorkflowText(JSON.stringify({ ...wf, version: 1 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ path: `nodes[${i}].params.image`, message: /not base64/ });
  });
});

describe('export with images → open', () => {
  it('gives one self-contained file that opens to the same document and bytes', async () => {
    const store = new MemoryAssetStore();
    const files = [await jpeg(120, 80), await png(64, 48)];
    const wf = await varyWithPhotos(store, files);
    const { text, missing } = await exportWorkflow(wf, store, { images: 'embed' });
    expect(missing).toEqual([]);
    const json = JSON.parse(text);
    expect(json.version).toBe(2);
    expect(Object.keys(json.assets)).toHaveLength(2);
    const r = await openWorkflowText(text);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.workflow).toEqual(wf);
    for (const f of files) {
      const meta = await assetMetaOf(new Uint8Array(f));
      expect(Buffer.from(r.assets.get(meta.hash)!).equals(f)).toBe(true);
    }
  });

  it('export with images from a store that lacks one lists it as missing, and the file still opens', async () => {
    const store = new MemoryAssetStore();
    const wf = await varyWithPhotos(store, [await png(20, 20), await png(30, 30, '#ff0000')]);
    const [first, second] = Object.keys(wf.assets);
    const partial = new MemoryAssetStore();
    partial.add(first!, (await store.get(first!))!);
    const { text, missing } = await exportWorkflow(wf, partial, { images: 'embed' });
    expect(missing).toEqual([second]);
    const r = await openWorkflowText(text);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect([...r.assets.keys()]).toEqual([first]);
  });

  it('an embedded image that does not match its hash is refused, with the path and what to do', async () => {
    const store = new MemoryAssetStore();
    const wf = await varyWithPhotos(store, [await png(20, 20), await png(30, 30, '#ff0000')]);
    const json = JSON.parse((await exportWorkflow(wf, store, { images: 'embed' })).text);
    const hash = Object.keys(json.assets)[0]!;
    const bytes = decodeBase64(json.assets[hash].data)!;
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    json.assets[hash].data = encodeBase64(bytes);
    const r = await openWorkflowJson(json);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0]).toMatchObject({
        path: `assets.${hash}.data`,
        message: /export the workflow again/,
      });
  });

  it('a reference to an asset the file does not list is refused at its param', () => {
    const wf = getTemplate('vary-image-prompt')!.build();
    const i = wf.nodes.findIndex((n) => n.kind === 'inputImage');
    wf.nodes[i]!.params.image = assetRef('ab'.repeat(32));
    const r = parseWorkflowText(serializeWorkflow(wf));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0]).toMatchObject({ path: `nodes[${i}].params.image`, message: /does not list/ });
  });

  it('without images: a template whose images are reported missing on their nodes until bound', async () => {
    const store = new MemoryAssetStore();
    const wf = await varyWithPhotos(store, [await png(20, 20), await png(30, 30, '#ff0000')]);
    const { text } = await exportWorkflow(wf, store, { images: 'omit' });
    expect(text).not.toMatch(/"data"/);
    const r = await openWorkflowText(text);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.assets.size).toBe(0);
    // Another machine: an empty store.
    const prep = await prepareImages(r.workflow, nodeImageAdapter, new MemoryAssetStore());
    const missing = prep.diagnostics.filter((d) => d.code === 'S-missing-asset');
    const imageNodes = r.workflow.nodes.filter((n) => n.kind === 'inputImage').map((n) => n.id);
    expect(missing.map((d) => d.nodeId).sort()).toEqual(imageNodes.sort());
    for (const d of missing) {
      expect(d).toMatchObject({ severity: 'error', field: 'image' });
      expect(d.message.en).toMatch(/saved without images.*--input (image|reference)=FILE/);
      expect(d.message.zh).not.toBe('');
    }
    // Sizes still come from the metadata: the plan is complete even without the bytes.
    const c = compile(r.workflow);
    expect(Object.values(c.plan.sizes).every((s) => s !== null)).toBe(true);
  });
});

describe('the seed hashes asset ids, not bytes', () => {
  it('same asset ids, any bytes and metadata: same request seed; another id: another text to hash', () => {
    const wf = getTemplate('vary-image-prompt')!.build();
    const imageNode = wf.nodes.find((n) => n.kind === 'inputImage')!;
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-f]{64}$/),
        fc.integer({ min: 1, max: 50_000_000 }),
        fc.integer({ min: 1, max: 50_000_000 }),
        (hash, bytesA, bytesB) => {
          const meta = (bytes: number): AssetMeta => ({
            hash,
            type: 'image/jpeg',
            width: 4000,
            height: 3000,
            bytes,
          });
          const withAsset = (bytes: number): Workflow => ({
            ...wf,
            assets: { [hash]: meta(bytes) },
            nodes: wf.nodes.map((n) =>
              n === imageNode ? { ...n, params: { ...n.params, image: assetRef(hash) } } : n,
            ),
          });
          const a = compile(withAsset(bytesA)).request.image_seed;
          expect(compile(withAsset(bytesB)).request.image_seed).toBe(a);
          expect(a).toBe(stableSeed(seedText(withAsset(bytesA).nodes)));
          expect(seedText(withAsset(bytesA).nodes)).toContain(assetRef(hash));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('an inline image (a document not opened yet) is hashed by its length and ends only', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 600, maxLength: 600 }),
        fc.uint8Array({ minLength: 600, maxLength: 600 }),
        (a, b) => {
          const head = new Uint8Array(100).fill(7);
          const url = (mid: Uint8Array) =>
            `data:image/png;base64,${encodeBase64(new Uint8Array([...head, ...mid, ...head]))}`;
          const node = (image: string) => [
            { id: 'i', kind: 'inputImage', kindVersion: 1, params: { image }, position: { x: 0, y: 0 } },
          ];
          expect(seedText(node(url(a)))).toBe(seedText(node(url(b))));
          expect(seedText(node(url(a))).length).toBeLessThan(400);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('prepare and send with asset bytes', () => {
  it('an ordinary JPEG stays a reference (not decoded) and is sent byte for byte', async () => {
    const store = new MemoryAssetStore();
    const files = [await jpeg(300, 200), await png(64, 48)];
    const wf = await varyWithPhotos(store, files);
    // An adapter that refuses to decode: ordinary images must not need it.
    const noDecode = { ...nodeImageAdapter, decodeBytes: () => Promise.reject(new Error('decoded')) };
    const prep = await prepareImages(wf, noDecode, store);
    expect(prep.diagnostics).toEqual([]);
    const c = compile(wf, { images: prep.images });
    expect(c.request.uov_input_image).toMatch(/^asset:[0-9a-f]{64}$/);
    const sent = await inlineRequestImages(c.request, store);
    expect(sent.uov_input_image).toMatch(/^data:image\/jpeg;base64,/);
    expect(Buffer.from(dataUrlBytes(sent.uov_input_image!)!).equals(files[0]!)).toBe(true);
    expect(Buffer.from(dataUrlBytes(String(sent.controlnet_image![0]!.cn_img))!).equals(files[1]!)).toBe(
      true,
    );
    const body = JSON.stringify(sent).length;
    expect(body).toBeLessThan(1.34 * (files[0]!.length + files[1]!.length) + 4000);
    expect(hasAssetRefs(sent)).toBe(false);
  });

  it('a misread encoding (palette PNG) is still converted', async () => {
    const store = new MemoryAssetStore();
    const palette = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#00ff00' } })
      .png({ palette: true })
      .toBuffer();
    const wf = await varyWithPhotos(store, [palette, await png(10, 10)]);
    const prep = await prepareImages(wf, nodeImageAdapter, store);
    const src = wf.nodes.find((n) => n.kind === 'inputImage' && n.label === 'Image to vary')!;
    expect(prep.diagnostics.map((d) => `${d.code} ${d.nodeId}`)).toEqual([`S-image-encoding ${src.id}`]);
    expect(prep.images[src.id]!.data).toMatch(/^data:image\/png;base64,/);
    expect(readImageHeader(dataUrlBytes(prep.images[src.id]!.data)!)).toMatchObject({
      width: 32,
      height: 32,
    });
  });

  it('the API client refuses a request that still names assets (the server would answer 500)', async () => {
    const client = createFooocusClient({ baseUrl: 'http://127.0.0.1:9' });
    const request = { prompt: 'x', uov_input_image: assetRef('cd'.repeat(32)) } as FooocusRequest;
    await expect(client.run(request)).rejects.toThrow(/inlineRequestImages/);
  });

  it('a missing asset at send time is a clear error, not a crash', async () => {
    const store = new MemoryAssetStore();
    const wf = await varyWithPhotos(store, [await png(10, 10), await png(12, 12, '#ff0000')]);
    const c = compile(wf);
    await expect(inlineRequestImages(c.request, new MemoryAssetStore())).rejects.toThrow(
      /uov_input_image: the image [0-9a-f]{12}… is not stored here/,
    );
  });
});

describe('EXIF orientation (FooocusAPI reads pixels as stored)', () => {
  it('a copy of a JPEG head with its orientation set to "as stored" changes only the tag', async () => {
    for (const o of [3, 6, 8]) {
      const bytes = new Uint8Array(await jpeg(120, 80, o));
      const fixed = withStoredOrientation(bytes)!;
      expect(readImageHeader(fixed), String(o)).toEqual({
        type: 'image/jpeg',
        width: 120,
        height: 80,
        orientation: 1,
      });
      expect(fixed.length).toBe(bytes.length);
      const changed = [...bytes.keys()].filter((k) => bytes[k] !== fixed[k]);
      expect(changed.length, String(o)).toBe(1); // the low byte of the SHORT
      expect(readImageHeader(bytes)?.orientation).toBe(o); // the original is untouched
    }
    expect(withStoredOrientation(new Uint8Array(await jpeg(120, 80, 1)))).toBeNull();
    expect(withStoredOrientation(new Uint8Array(await png(5, 7)))).toBeNull();
  });

  it('reads the orientation tag of a real JPEG, and the size as stored', async () => {
    for (const o of [1, 3, 6, 8]) {
      const h = readImageHeader(new Uint8Array(await jpeg(120, 80, o)));
      expect(h, String(o)).toEqual({ type: 'image/jpeg', width: 120, height: 80, orientation: o });
    }
    expect(readImageHeader(new Uint8Array(await jpeg(120, 80)))?.orientation).toBe(1);
    expect(readImageHeader(new Uint8Array(await png(5, 7)))).toEqual({
      type: 'image/png',
      width: 5,
      height: 7,
      orientation: 1,
    });
    const webp = await sharp({ create: { width: 33, height: 21, channels: 3, background: '#000' } })
      .webp()
      .toBuffer();
    expect(readImageHeader(new Uint8Array(webp))).toMatchObject({
      type: 'image/webp',
      width: 33,
      height: 21,
    });
  });

  it('a photo turned by EXIF is sent as stored, and its node says what Fooocus sees', async () => {
    const store = new MemoryAssetStore();
    const turned = await jpeg(400, 300, 6);
    const wf = await varyWithPhotos(store, [turned, await png(64, 48)]);
    const prep = await prepareImages(wf, nodeImageAdapter, store);
    const src = wf.nodes.find((n) => n.label === 'Image to vary')!;
    const note = prep.diagnostics.find((d) => d.code === 'S-exif-orientation');
    expect(note).toMatchObject({ severity: 'warning', nodeId: src.id, field: 'image' });
    expect(note!.message.en).toMatch(/turned 90° clockwise.*400×300 where you see 300×400/);
    expect(note!.message.zh).toMatch(/400×300/);
    expect(prep.images[src.id]).toEqual({
      data: wf.nodes.find((n) => n.id === src.id)!.params.image,
      width: 400,
      height: 300,
    });
    const sent = await inlineRequestImages(compile(wf, { images: prep.images }).request, store);
    expect(Buffer.from(dataUrlBytes(sent.uov_input_image!)!).equals(turned)).toBe(true);
    // Only the turned photo gets the note.
    expect(prep.diagnostics.filter((d) => d.code === 'S-exif-orientation')).toHaveLength(1);
  });
});

describe('templates', () => {
  it('every template serializes as version 2 and opens unchanged', async () => {
    for (const t of TEMPLATES) {
      const wf = t.build();
      const r = await openWorkflowText(serializeWorkflow(wf));
      expect(r.ok && r.workflow).toEqual(wf);
    }
  });
});
