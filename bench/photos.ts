/**
 * Compile, prepare and send with real phone photos: two generated 12-megapixel JPEGs of 5–8 MB
 * (smooth gradients under sensor-like noise, one with the EXIF orientation a phone held upright
 * writes), in the Vary + Image Prompt template, with its DEFAULT random seed (the stable seed is
 * then derived from the document on every compile). Generated here with sharp, never committed.
 */
import { performance } from 'node:perf_hooks';
import { inlineRequestImages } from '../compiler/assets/inline-request.ts';
import { assetMetaOf } from '../compiler/assets/meta.ts';
import { MemoryAssetStore } from '../compiler/assets/memory-store.ts';
import { compile } from '../compiler/compile.ts';
import { prepareImages } from '../compiler/prepare/index.ts';
import { nodeImageAdapter } from '../cli/node-image-adapter.ts';
import { TEMPLATES } from '../compiler/authoring/templates.ts';
import { exportWorkflow, openWorkflowText } from '../compiler/workflow-file/index.ts';
import { assetRef } from '../nodes/assets.ts';
import type { Workflow } from '../nodes/graph.ts';

const WIDTH = 4000;
const HEIGHT = 3000;

/** A photo-like JPEG of 5–8 MB: gradients plus noise, the quality stepped down until it fits. */
async function photo(seed: number, orientation?: number): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const px = Buffer.alloc(WIDTH * HEIGHT * 3);
  let r = seed * 2654435761;
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++) {
      const i = (y * WIDTH + x) * 3;
      r = (Math.imul(r, 1103515245) + 12345) >>> 0;
      const grain = ((r >>> 24) & 63) - 32;
      px[i] = Math.max(0, Math.min(255, ((x * 255) / WIDTH + grain) | 0));
      px[i + 1] = Math.max(0, Math.min(255, ((y * 255) / HEIGHT + grain) | 0));
      px[i + 2] = Math.max(0, Math.min(255, (128 + 100 * Math.sin((x + y * seed) / 300) + grain) | 0));
    }
  for (const quality of [95, 92, 90, 87, 85, 80, 75, 70]) {
    let s = sharp(px, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } });
    if (orientation) s = s.withMetadata({ orientation });
    const jpeg = await s.jpeg({ quality }).toBuffer();
    if (jpeg.length <= 8e6) return jpeg;
  }
  throw new Error('could not make a photo of at most 8 MB');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median ms of `fn`, after a warm-up. */
async function time(fn: () => unknown, runs: number): Promise<number> {
  for (let i = 0; i < Math.min(5, runs); i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

function withImages(wf: Workflow, images: Record<string, string>, assets: Workflow['assets'] = {}): Workflow {
  const byName = new Map(wf.exposed.map((x) => [x.name, x.nodeId]));
  const ids = new Map(Object.entries(images).map(([name, v]) => [byName.get(name)!, v]));
  return {
    ...wf,
    assets: { ...wf.assets, ...assets },
    nodes: wf.nodes.map((n) => (ids.has(n.id) ? { ...n, params: { ...n.params, image: ids.get(n.id) } } : n)),
  };
}

export async function benchPhotos(): Promise<Record<string, string>> {
  const files = [await photo(1, 6), await photo(2)];
  const store = new MemoryAssetStore();
  const metas = [];
  for (const f of files) {
    const bytes = new Uint8Array(f);
    const meta = await assetMetaOf(bytes);
    store.add(meta.hash, bytes);
    metas.push(meta);
  }
  const template = TEMPLATES.find((t) => t.id === 'vary-image-prompt')!.build();
  if (Number(template.nodes.find((n) => n.kind === 'promptSettings')!.params.image_seed) >= 0)
    throw new Error('the template should ask for a random seed');
  const withAssets = withImages(
    template,
    { image: assetRef(metas[0]!.hash), reference: assetRef(metas[1]!.hash) },
    Object.fromEntries(metas.map((m) => [m.hash, m])),
  );
  const inline = withImages(template, {
    image: `data:image/jpeg;base64,${files[0]!.toString('base64')}`,
    reference: `data:image/jpeg;base64,${files[1]!.toString('base64')}`,
  });

  // No seed option: the default random seed, derived from the document each time.
  const bare = await time(() => compile(template), 200);
  const photos = await time(() => compile(withAssets), 200);
  const legacy = await time(() => compile(inline), 50);

  const prepare = await time(() => prepareImages(withAssets, nodeImageAdapter, store), 10);
  const prepared = await prepareImages(withAssets, nodeImageAdapter, store);
  const compiled = compile(withAssets, { images: prepared.images }).request;
  let requestBytes = 0;
  // What sending adds: base64 of the files into the request, then the JSON body.
  const send = await time(async () => {
    requestBytes = JSON.stringify(await inlineRequestImages(compiled, store)).length;
  }, 10);
  const fileBytes = files[0]!.length + files[1]!.length;

  const exported = await exportWorkflow(withAssets, store, { images: 'embed' });
  const open = await time(() => openWorkflowText(exported.text), 5);

  const mb = (n: number) => (n / 1e6).toFixed(1);
  return {
    [`photos: two ${WIDTH}×${HEIGHT} JPEGs of ${mb(files[0]!.length)} and ${mb(files[1]!.length)} MB, Vary template, random seed`]:
      '',
    '  compile without photos, median (ms)': bare.toFixed(3),
    '  compile with the two photos as assets, median (ms)': photos.toFixed(3),
    '  ratio with / without photos (goal ≤ 2)': (photos / bare).toFixed(2),
    '  compile with the photos inline (a v1 document not yet opened) (ms)': legacy.toFixed(3),
    '  prepare (read headers, EXIF; no decoding), median (ms)': prepare.toFixed(3),
    '  build the request body (base64 + JSON), median (ms)': send.toFixed(1),
    '  request bytes / photo file bytes (goal ≤ 1.34)': (requestBytes / fileBytes).toFixed(3),
    [`  open the self-contained file (${mb(exported.text.length)} MB), median (ms)`]: open.toFixed(1),
  };
}
