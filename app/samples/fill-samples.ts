/**
 * A fresh seed template runs at once: its empty image inputs get the project's drawn samples
 * (draw-samples.ts) — an Input Image feeding an Image Prompt the reference, masks the mask, every
 * other Input Image the portrait. The user replaces them like any image (pick a file, paste, drop).
 */
import type { AssetMeta } from '../../nodes/assets.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { importImage, type ImportedImage } from '../assets/import-image.ts';
import type { SampleKind } from './draw-samples.ts';

/** An Input Image wired into an Image Prompt is a style reference; any other is the picture to work on. */
function sampleOf(wf: Workflow, nodeId: string, kind: string): SampleKind | null {
  if (kind === 'mask') return 'mask';
  if (kind !== 'inputImage') return null;
  const feedsImagePrompt = wf.edges.some(
    (e) => e.source === nodeId && wf.nodes.find((n) => n.id === e.target)?.kind === 'imagePrompt',
  );
  return feedsImagePrompt ? 'reference' : 'portrait';
}

/** The workflow with its empty image inputs filled; unchanged when it has none (or drawing fails). */
export async function withSampleImages(wf: Workflow): Promise<{ workflow: Workflow; filled: number }> {
  const wanted = new Set<SampleKind>();
  for (const n of wf.nodes) {
    const s = sampleOf(wf, n.id, n.kind);
    if (s && !n.params.image) wanted.add(s);
  }
  if (wanted.size === 0) return { workflow: wf, filled: 0 };
  // The drawing code comes with the first template that needs it, not in the editor's first load.
  const { drawSample } = await import('./draw-samples.ts');
  const images = new Map<SampleKind, ImportedImage>();
  for (const kind of wanted) {
    const img = await importImage(await drawSample(kind), `sample-${kind}.png`);
    if (img) images.set(kind, img);
  }
  const assets: Record<string, AssetMeta> = { ...wf.assets };
  let filled = 0;
  const nodes = wf.nodes.map((n) => {
    const s = sampleOf(wf, n.id, n.kind);
    const img = s && !n.params.image ? images.get(s) : undefined;
    if (!img) return n;
    filled++;
    assets[img.meta.hash] = img.meta;
    return { ...n, params: { ...n.params, image: img.ref, width: img.meta.width, height: img.meta.height } };
  });
  return { workflow: { ...wf, nodes, assets }, filled };
}
