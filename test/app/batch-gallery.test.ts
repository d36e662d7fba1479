import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchStatus } from '../../app/batch/batch-client.ts';
import { batchGalleryId, batchResultsToAdd } from '../../app/batch/batch-gallery.ts';
import type { Workflow } from '../../nodes/graph.ts';

/**
 * An editor batch in the gallery: one entry per batch that grows as items finish, and never shows
 * a result twice — not on the next poll, not after Resume, not after a reload (a fresh copy of the
 * gallery module reading the same IndexedDB), not when two status reads race.
 * The network and the image worker are replaced (each "result" is a small blob named after its URL);
 * IndexedDB is fake-indexeddb with the real transaction rules.
 */
const fetched: string[] = [];
/** Hashes written to the asset store: a growing entry writes each new result once, never the old ones again. */
const written: string[] = [];
vi.mock('../../app/run/result-image.ts', () => ({
  fetchResultImage: (url: string) => {
    fetched.push(url);
    return Promise.resolve(new Blob([`png:${url}`], { type: 'image/png' }));
  },
}));
vi.mock('../../app/assets/asset-db.ts', async (original) => {
  const real = await original<typeof import('../../app/assets/asset-db.ts')>();
  return {
    ...real,
    writeAssetRecord: (rec: import('../../app/assets/asset-db.ts').AssetRecord) => {
      written.push(rec.meta.hash);
      return real.writeAssetRecord(rec);
    },
    analyseImageBlob: async (blob: Blob) => {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const hash = createHash('sha256').update(bytes).digest('hex');
      return {
        meta: { hash, type: 'image/png', width: 8, height: 8, bytes: bytes.length },
        blob,
        thumb: null,
      };
    },
  };
});

const ID = '0123456789abcdef';
const workflow = { version: 1, name: 'wf', nodes: [], edges: [] } as unknown as Workflow;

/** The batch's status with `done` items finished: the first ones, or those listed. */
function status(done: number | number[], state: BatchStatus['state'] = 'running'): BatchStatus {
  const finished = (index: number) => (typeof done === 'number' ? index < done : done.includes(index));
  const items = [0, 1, 2].map((index) => ({
    id: `i${index}`,
    index,
    label: `photo-${index + 1}.png`,
    state: finished(index) ? ('done' as const) : ('queued' as const),
    ...(finished(index) ? { files: [`items/${index}/result-1.png`] } : {}),
  }));
  return { id: ID, workflowName: 'Vary', input: 'image', state, inputs: [], items, messages: [] };
}

/** A page: fresh copies of the gallery and the batch feed (nothing shown yet), the same IndexedDB. */
async function page() {
  vi.resetModules();
  const gallery = await import('../../app/run/gallery.ts');
  const feed = await import('../../app/batch/batch-feed.ts');
  const db = await import('../../app/run/gallery-db.ts');
  return { gallery, feed, db };
}

const labels = (run: { images: { label?: string | undefined }[] } | undefined) =>
  run?.images.map((i) => i.label);

beforeEach(async () => {
  fetched.length = 0;
  written.length = 0;
  // The browser's localStorage (where deleted entries are remembered), fresh for each test.
  const storage = new Map<string, string>();
  (globalThis as { localStorage?: unknown }).localStorage = {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
  };
  const { db } = await page();
  await db.clearRuns();
});

describe('batchResultsToAdd: the finished results an entry lacks', () => {
  it('takes done items only, in item order, each file once, leaving out what the entry shows', () => {
    const s = status(2);
    s.items.reverse(); // the status order does not matter: the item index does
    s.items.push({ id: 'f', index: 3, label: 'bad.png', state: 'failed', error: 'no', files: ['x.png'] });
    const all = batchResultsToAdd(s, []);
    expect(all.map((r) => r.label)).toEqual(['photo-1.png', 'photo-2.png']);
    expect(all[0]!.url).toBe(`/app/batches/${ID}/files/items/0/result-1.png`);
    expect(batchResultsToAdd(s, [all[0]!.url])).toEqual([all[1]]);
    expect(
      batchResultsToAdd(
        s,
        all.map((r) => r.url),
      ),
    ).toEqual([]);
  });
});

describe('an editor batch in the gallery', () => {
  it('one entry grows as items finish; polls, Resume and a reload add nothing twice', async () => {
    const first = await page();
    await first.feed.fileBatchResults(status(1), workflow);
    await first.feed.fileBatchResults(status(1), workflow); // the next poll: nothing new
    let runs = first.gallery.useGallery.getState().runs;
    expect(runs.map((r) => r.id)).toEqual([batchGalleryId(ID)]);
    expect(labels(runs[0])).toEqual(['photo-1.png']);
    expect(runs[0]!.batch).toEqual({ id: ID });

    await first.feed.fileBatchResults(status(1, 'stopped'), workflow);
    await first.feed.fileBatchResults(status(3, 'finished'), workflow); // resumed and finished
    runs = first.gallery.useGallery.getState().runs;
    expect(runs).toHaveLength(1);
    expect(labels(runs[0])).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(runs[0]!.stopped).toBe(false);
    expect(runs[0]!.kept).toBe(true);
    expect(fetched).toHaveLength(3);
    expect(written).toHaveLength(3);
    expect(new Set(written).size).toBe(3);

    // Reloaded: the batch is opened again before the gallery was ever loaded on this page.
    const second = await page();
    expect(second.gallery.useGallery.getState().runs).toEqual([]);
    await second.feed.fileBatchResults(status(3, 'finished'), workflow);
    expect(fetched).toHaveLength(3); // nothing fetched again
    const stored = await second.db.listRuns();
    expect(stored.map((r) => r.id)).toEqual([batchGalleryId(ID)]);
    expect(labels(stored[0])).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(new Set(stored[0]!.images.map((i) => i.asset?.hash)).size).toBe(3);
    expect(written).toHaveLength(3);
  });

  it('a page reloaded mid-batch adds only the items finished since, to the same entry', async () => {
    await (await page()).feed.fileBatchResults(status(1), workflow);
    const after = await page();
    await after.feed.fileBatchResults(status(3, 'finished'), workflow);
    const stored = await after.db.listRuns();
    expect(stored).toHaveLength(1);
    expect(labels(stored[0])).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(fetched).toHaveLength(3);
  });

  it('shows results in item order, whatever order the items finished in (a stopped item resumed last)', async () => {
    const { feed, gallery } = await page();
    await feed.fileBatchResults(status([1]), workflow);
    await feed.fileBatchResults(status([1, 2], 'stopped'), workflow);
    await feed.fileBatchResults(status(3, 'finished'), workflow);
    const runs = gallery.useGallery.getState().runs;
    expect(runs).toHaveLength(1);
    expect(labels(runs[0])).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(fetched).toEqual([1, 2, 0].map((i) => `/app/batches/${ID}/files/items/${i}/result-1.png`));
  });

  it('a deleted entry stays deleted when its batch is reopened or polled again; other batches still file', async () => {
    const first = await page();
    await first.feed.fileBatchResults(status(2), workflow);
    await first.gallery.removeRun(batchGalleryId(ID));
    await first.feed.fileBatchResults(status(3, 'finished'), workflow); // a poll still under way
    expect(first.gallery.useGallery.getState().runs).toEqual([]);

    const reopened = await page(); // a reload, then the batch dialog opened on it again
    await reopened.feed.fileBatchResults(status(3, 'finished'), workflow);
    expect(reopened.gallery.useGallery.getState().runs).toEqual([]);
    expect(await reopened.db.listRuns()).toEqual([]);
    expect(fetched).toHaveLength(2); // only what was filed before the delete

    const other = { ...status(1, 'finished'), id: 'fedcba9876543210' };
    await reopened.feed.fileBatchResults(other, workflow);
    expect((await reopened.db.listRuns()).map((r) => r.id)).toEqual([batchGalleryId(other.id)]);
  });

  it('two status reads filed at once (dialog and background) add each result once', async () => {
    const { feed, db } = await page();
    await Promise.all([
      feed.fileBatchResults(status(2), workflow),
      feed.fileBatchResults(status(3, 'finished'), workflow),
      feed.fileBatchResults(status(3, 'finished'), workflow),
    ]);
    const stored = await db.listRuns();
    expect(stored).toHaveLength(1);
    expect(labels(stored[0])).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(fetched).toHaveLength(3);
  });
});
