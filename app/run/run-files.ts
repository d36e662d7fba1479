import { exportWorkflow } from '../../compiler/workflow-file/index.ts';
import type { FooocusRequest } from '../../contract/fields.ts';
import { browserAssetStore } from '../assets/asset-db.ts';
import { requestWithImages } from './inline-assets.ts';
import { zipStore } from '../lib/zip.ts';
import { downloadBlob } from '../persistence/files.ts';
import type { GalleryRun } from './gallery.ts';

/** A run's images as files: one image, or all with what made them in one zip (gallery and run panel). */
function runFileBase(run: GalleryRun): string {
  const safe = (run.name || 'fooocus-flow').replace(/[^\p{L}\p{N}._-]+/gu, '-').slice(0, 40);
  return `${safe}-${run.seed}`;
}

export const resultFileName = (run: GalleryRun, i: number) => `${runFileBase(run)}-${i + 1}.png`;
const fileName = resultFileName;

export function downloadImage(run: GalleryRun, i: number): void {
  const img = run.images[i];
  if (img) downloadBlob(fileName(run, i), img.blob);
}

/**
 * One zip with the run's images and what made them (workflow and request), since browsers block
 * a burst of separate downloads after the first.
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
  ]);
  downloadBlob(`${runFileBase(run)}.zip`, new Blob([zip], { type: 'application/zip' }));
}

/** The stored request with its images inlined (as sent); as stored when an image is no longer here. */
async function requestJsonWithImages(json: string): Promise<string> {
  try {
    return JSON.stringify(await requestWithImages(JSON.parse(json) as FooocusRequest));
  } catch {
    return json;
  }
}
