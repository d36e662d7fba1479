/**
 * Compile time for graphs of 10, 100 and 1000 nodes: a realistic chain (Input Image → Vary →
 * three Enhance Regions → Upscale → Output, with Prompt & Settings and two image prompts) plus many
 * side nodes (more image prompts, unconnected steps, notes). Reports the median per size and the
 * time per node, whose ratio between sizes shows whether compile scales linearly (ratio ≈ 1).
 *
 * Then two 12-megapixel phone photos with the default random seed (`photos.ts`).
 *
 * Run alone: `node --import tsx bench/compile.ts`; part of `npm run bench` (`npm run bench compiler`).
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compile } from '../compiler/compile.ts';
import { GraphBuilder } from '../nodes/build.ts';
import type { Workflow } from '../nodes/graph.ts';
import { benchPhotos } from './photos.ts';

const IMAGE = 'data:image/png;base64,iVBORw0KGgo=';

export function benchGraph(size: number): Workflow {
  const b = new GraphBuilder();
  b.add('promptSettings', { prompt: 'a portrait, soft light', image_seed: 1 });
  const src = b.add('inputImage', { image: IMAGE, width: 832, height: 1216 });
  const vary = b.add('vary', { method: 'Vary (Strong)' });
  const regions = ['face', 'eye', 'hand'].map((w) => b.add('enhanceRegion', { enhance_mask_dino_prompt: w }));
  const up = b.add('upscale', { method: 'Upscale (2x)' });
  const out = b.add('output');
  const chain = [src, vary, ...regions, up, out];
  for (let i = 1; i < chain.length; i++) b.wire(chain[i - 1]!, chain[i]!);
  let count = chain.length + 1;
  let wiredPrompts = 0;
  for (let k = 0; count < size; k++) {
    const pick = k % 10;
    if (pick < 3 && count + 2 <= size) {
      // An image prompt with its reference: the first two condition the Vary, the rest lie around.
      const ref = b.add('inputImage', { image: IMAGE });
      const ip = b.add('imagePrompt', { cn_type: 'ImagePrompt' });
      b.wire(ref, ip);
      if (wiredPrompts++ < 2) b.wire(ip, vary, 'imagePrompts');
      count += 2;
    } else if (pick < 6) {
      b.add(pick === 3 ? 'vary' : pick === 4 ? 'upscale' : 'enhanceRegion');
      count += 1;
    } else {
      b.add('note', { text: `note ${k}` });
      count += 1;
    }
  }
  return b.build(`bench ${size}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function timeCompile(wf: Workflow, iterations: number): number {
  for (let i = 0; i < Math.min(20, iterations); i++) compile(wf, { seed: 1 }); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    compile(wf, { seed: 1 });
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function benchCompile(): Promise<Record<string, string | number>> {
  const sizes = [
    { nodes: 10, iterations: 400 },
    { nodes: 100, iterations: 200 },
    { nodes: 1000, iterations: 60 },
  ];
  const figures: Record<string, string | number> = {};
  const perNode: number[] = [];
  for (const { nodes, iterations } of sizes) {
    const wf = benchGraph(nodes);
    const ms = timeCompile(wf, iterations);
    const us = (ms * 1000) / wf.nodes.length;
    perNode.push(us);
    figures[`compile ${wf.nodes.length} nodes / ${wf.edges.length} wires, median of ${iterations} (ms)`] =
      ms.toFixed(3);
    figures[`  time per node at ${wf.nodes.length} nodes (µs)`] = us.toFixed(2);
  }
  figures['per-node time ratio 100 vs 10 (≈1 or less = linear or better)'] = (
    perNode[1]! / perNode[0]!
  ).toFixed(2);
  figures['per-node time ratio 1000 vs 100 (≈1 or less = linear or better)'] = (
    perNode[2]! / perNode[1]!
  ).toFixed(2);
  Object.assign(figures, await benchRealUploads());
  Object.assign(figures, await benchPhotos());
  return figures;
}

/**
 * The same small graph with real 2-megapixel JPEG uploads (up to four) instead of stand-in strings: what the
 * live compile pays for reading the images' headers (the encoding check, S-image-encoding).
 */
async function benchRealUploads(): Promise<Record<string, string>> {
  const { default: sharp } = await import('sharp');
  const noise = Buffer.alloc(1600 * 1200 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const jpeg = await sharp(noise, { raw: { width: 1600, height: 1200, channels: 3 } })
    .withExif({ IFD0: { Copyright: 'x'.repeat(8000) } })
    .jpeg({ quality: 90 })
    .toBuffer();
  const upload = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  const wf = benchGraph(10);
  const stand = timeCompile(wf, 400);
  let n = 0;
  for (const node of wf.nodes) if (node.kind === 'inputImage') node.params.image = n++ < 4 ? upload : IMAGE;
  const real = timeCompile(wf, 400);
  return {
    [`compile 10 nodes with ${Math.min(n, 4)} real JPEG uploads of ${(jpeg.length / 1e6).toFixed(1)} MB, median (ms)`]:
      real.toFixed(3),
    '  of which reading image headers (vs stand-in images) (ms)': (real - stand).toFixed(3),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchCompile();
  for (const [k, v] of Object.entries(figures)) console.log(`${k.padEnd(70)} ${v}`);
}
