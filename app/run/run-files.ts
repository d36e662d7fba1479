import { exportWorkflow } from '../../compiler/workflow-file/index.ts';
import { browserAssetStore } from '../assets/asset-db.ts';
import { requestJsonWithImages } from './inline-assets.ts';
import { zipStore } from '../lib/zip.ts';
import { downloadBlob } from '../persistence/files.ts';
import type { GalleryRun } from './gallery.ts';
import { pipelineFiles } from './pipeline-files.ts';

const safeName = (name: string) => name.replace(/[^\p{L}\p{N}._-]+/gu, '-').slice(0, 40);

/** A run's images as files: one image, or all with what made them in one zip (gallery and run panel). */
function runFileBase(run: GalleryRun): string {
  return `${safeName(run.name || 'fooocus-flow')}-${run.seed}`;
}

/** A batch's result is named after its item's input file (a batch has no one seed). */
export const resultFileName = (run: GalleryRun, i: number) => {
  const label = run.batch ? run.images[i]?.label : undefined;
  return label !== undefined
    ? `${safeName(run.name || 'fooocus-flow')}-${safeName(label.replace(/\.[^.]*$/, ''))}-${i + 1}.png`
    : `${runFileBase(run)}-${i + 1}.png`;
};
const fileName = resultFileName;

export function downloadImage(run: GalleryRun, i: number): void {
  const img = run.images[i];
  if (img) downloadBlob(fileName(run, i), img.blob);
}

/**
 * One zip with the run's images and what made them (workflow and request), since browsers block
 * a burst of separate downloads after the first. A pipeline's zip holds every step's request, why
 * it starts there and a script that replays the steps (pipeline-files.ts); `request.json` is step 1's.
 */
export async function downloadRunZip(run: GalleryRun): Promise<void> {
  const enc = new TextEncoder();
  const images = await Promise.all(
    run.images.map(async (img, i) => ({
      name: fileName(run, i),
      data: new Uint8Array(await img.blob.arrayBuffer()),
    })),
  );
  // The workflow file carries its images, so the zip opens elsewhere as it is.
  const wf = await exportWorkflow(run.workflow, browserAssetStore, { images: 'embed' });
  const zip = zipStore([
    ...images,
    { name: 'workflow.fooocus-flow.json', data: enc.encode(wf.text) },
    { name: 'request.json', data: enc.encode(await requestJsonWithImages(run.requestJson)) },
    ...(run.steps && run.steps.length > 1 ? await pipelineFiles(run.steps) : []),
  ]);
  downloadBlob(`${runFileBase(run)}.zip`, new Blob([zip], { type: 'application/zip' }));
}
