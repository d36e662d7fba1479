/**
 * Fetching an item's results into the output folder. Workers hand back where the results are (task
 * id, server, image URLs), never the images: FooocusAPI keeps its outputs on its own disk, so the
 * coordinator can collect them whenever it runs — also after it was stopped while workers went on —
 * and Redis stays small. Each file is written atomically; a failed download leaves the item
 * "collecting" with its result recorded, and the next run downloads it again.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createFooocusClient } from '../../api/client.ts';
import { createPatientReader } from '../../api/patient-reads.ts';
import { resultFileName } from '../file-io.ts';
import type { ManifestItem } from './manifest.ts';
import type { ItemResult } from './queue.ts';
import type { BatchTuning } from './tuning.ts';

export const THUMB_PX = 256;

/** `items/0007-beach` for item 7 "beach.jpg": sortable, and legal on every file system. */
export function itemFolder(item: Pick<ManifestItem, 'index' | 'label'>): string {
  const name = item.label
    .replace(/\.[a-z0-9]{1,5}$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 60);
  return `items/${String(item.index + 1).padStart(4, '0')}${name ? `-${name}` : ''}`;
}

async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, path);
}

async function thumbnail(from: Uint8Array | string, to: string): Promise<boolean> {
  try {
    const jpeg = await sharp(from, { limitInputPixels: 100_000_000 })
      .rotate()
      .resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer();
    await writeFileAtomically(to, jpeg);
    return true;
  } catch {
    return false; // an undecodable input still gets its results; only the picture is missing
  }
}

export interface Collected {
  files: string[];
  thumbs: { input?: string | undefined; results: string[] };
}

export async function collectItem(
  out: string,
  item: ManifestItem,
  result: ItemResult,
  apiKey: string | undefined,
  tuning: BatchTuning,
): Promise<Collected> {
  const client = createFooocusClient({ baseUrl: result.baseUrl, apiKey });
  const reader = createPatientReader({
    goneAfterMs: tuning.goneAfterMs,
    backoff: { baseMs: tuning.readBackoffMs },
  });
  const folder = itemFolder(item);
  await mkdir(join(out, folder), { recursive: true });
  await mkdir(join(out, 'thumbs'), { recursive: true });
  const files: string[] = [];
  const results: string[] = [];
  for (const [i, url] of result.images.entries()) {
    const bytes = await reader.read(() => client.download(url));
    const file = `${folder}/${resultFileName(i, result.images.length, url)}`;
    await writeFileAtomically(join(out, file), bytes);
    files.push(file);
    const thumb = `thumbs/${item.id}-${i + 1}.jpg`;
    if (await thumbnail(bytes, join(out, thumb))) results.push(thumb);
  }
  const firstInput = Object.values(item.inputs)[0];
  let input: string | undefined;
  if (firstInput !== undefined) {
    const thumb = `thumbs/${item.id}-in.jpg`;
    if (await thumbnail(firstInput, join(out, thumb))) input = thumb;
  }
  return { files, thumbs: { input, results } };
}
