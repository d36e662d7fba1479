/**
 * An editor batch in the results gallery: ONE entry per batch (gallery id `batch-<id>`), which
 * grows as the batch's items finish. Which results to add is decided from the batch's status and
 * the URLs the entry already shows, so polling again, resuming, reopening the batch after a reload
 * or a second tab never adds a result twice. The results go through the gallery's own store
 * (app/run/gallery.ts): they become assets and the gallery's limit bounds them like run results.
 */
import { batchFileUrl, type BatchStatus } from './batch-client.ts';

export const batchGalleryId = (batchId: string) => `batch-${batchId}`;

export interface BatchResult {
  url: string;
  /** The item's label (its input file's name), shown under the thumbnail. */
  label: string;
}

/** The finished items' results not yet in the entry, in item order then file order. */
export function batchResultsToAdd(status: BatchStatus, have: Iterable<string>): BatchResult[] {
  const seen = new Set(have);
  const out: BatchResult[] = [];
  const done = status.items.filter((i) => i.state === 'done').sort((a, b) => a.index - b.index);
  for (const item of done) {
    for (const file of item.files ?? []) {
      const url = batchFileUrl(status.id, file);
      if (seen.has(url)) continue;
      seen.add(url);
      out.push({ url, label: item.label });
    }
  }
  return out;
}
