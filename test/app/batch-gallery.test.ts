import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchStatus } from '../../app/batch/batch-client.ts';
import { batchGalleryId, batchResultsToAdd } from '../../app/batch/batch-gallery.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { GraphBuilder } from '../../nodes/build.ts';

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
/** The workflow file each batch was made from, as the app server serves it (GET …/<id>/workflow). */
function workflowFile(prompt: string): unknown {
  const b = new GraphBuilder();
  b.wire(b.add('promptSettings', { prompt }), b.add('output'));
  return JSON.parse(serializeWorkflow(b.build(`made with ${prompt}`)));
}

/**
 * The app server as the feed sees it (the network is replaced like the result images are): per
 * batch its status and workflow, or 404 when it has neither.
 */
const server = {
  statuses: new Map<string, BatchStatus>(),
  workflows: new Map<string, unknown>(),
  reads: [] as string[],
};
const reply = (status: number, body: unknown) =>
  Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
  );
function stubbedFetch(input: string) {
  server.reads.push(input);
  const m = /^\/app\/batches\/([0-9a-f]{16})(\/workflow)?$/.exec(input);
  if (!m) return reply(404, { detail: 'not a batch path' });
  const found = m[2] ? server.workflows.get(m[1]!) : server.statuses.get(m[1]!);
  return found === undefined ? reply(404, { detail: `no batch ${m[1]}` }) : reply(200, found);
}
vi.stubGlobal('fetch', stubbedFetch);

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
  server.statuses.clear();
  server.workflows.clear();
  server.workflows.set(ID, workflowFile('the batch'));
  server.reads.length = 0;
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
    await first.feed.fileBatchResults(status(1));
    await first.feed.fileBatchResults(status(1)); // the next poll: nothing new
    let runs = first.gallery.useGallery.getState().runs;
    expect(runs.map((r) => r.id)).toEqual([batchGalleryId(ID)]);
    expect(labels(runs[0])).toEqual(['photo-1.png']);
    expect(runs[0]!.batch).toEqual({ id: ID, hasWorkflow: true });
    // The workflow the batch was made from, read once from the app server, whatever the canvas holds.
    expect(runs[0]!.workflow.name).toBe('made with the batch');
    expect(runs[0]!.workflow.nodes.find((n) => n.kind === 'promptSettings')?.params.prompt).toBe('the batch');

    await first.feed.fileBatchResults(status(1, 'stopped'));
    await first.feed.fileBatchResults(status(3, 'finished')); // resumed and finished
    runs = first.gallery.useGallery.getState().runs;
    expect(runs).toHaveLength(1);
    expect(labels(runs[0])).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(runs[0]!.stopped).toBe(false);
    expect(runs[0]!.kept).toBe(true);
    expect(fetched).toHaveLength(3);
    expect(written).toHaveLength(3);
    expect(new Set(written).size).toBe(3);
    expect(server.reads.filter((r) => r.endsWith('/workflow'))).toHaveLength(1);

    // Reloaded: the batch is opened again before the gallery was ever loaded on this page.
    const second = await page();
    expect(second.gallery.useGallery.getState().runs).toEqual([]);
    await second.feed.fileBatchResults(status(3, 'finished'));
    expect(fetched).toHaveLength(3); // nothing fetched again
    const stored = await second.db.listRuns();
    expect(stored.map((r) => r.id)).toEqual([batchGalleryId(ID)]);
    expect(labels(stored[0])).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(new Set(stored[0]!.images.map((i) => i.asset?.hash)).size).toBe(3);
    expect(written).toHaveLength(3);
  });

  it('a page reloaded mid-batch adds only the items finished since, to the same entry', async () => {
    await (await page()).feed.fileBatchResults(status(1));
    const after = await page();
    await after.feed.fileBatchResults(status(3, 'finished'));
    const stored = await after.db.listRuns();
    expect(stored).toHaveLength(1);
    expect(labels(stored[0])).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(fetched).toHaveLength(3);
  });

  it('shows results in item order, whatever order the items finished in (a stopped item resumed last)', async () => {
    const { feed, gallery } = await page();
    await feed.fileBatchResults(status([1]));
    await feed.fileBatchResults(status([1, 2], 'stopped'));
    await feed.fileBatchResults(status(3, 'finished'));
    const runs = gallery.useGallery.getState().runs;
    expect(runs).toHaveLength(1);
    expect(labels(runs[0])).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(fetched).toEqual([1, 2, 0].map((i) => `/app/batches/${ID}/files/items/${i}/result-1.png`));
  });

  it('a deleted entry stays deleted when its batch is reopened or polled again; other batches still file', async () => {
    const first = await page();
    await first.feed.fileBatchResults(status(2));
    await first.gallery.removeRun(batchGalleryId(ID));
    await first.feed.fileBatchResults(status(3, 'finished')); // a poll still under way
    expect(first.gallery.useGallery.getState().runs).toEqual([]);

    const reopened = await page(); // a reload, then the batch dialog opened on it again
    await reopened.feed.fileBatchResults(status(3, 'finished'));
    expect(reopened.gallery.useGallery.getState().runs).toEqual([]);
    expect(await reopened.db.listRuns()).toEqual([]);
    expect(fetched).toHaveLength(2); // only what was filed before the delete

    const other = { ...status(1, 'finished'), id: 'fedcba9876543210' };
    await reopened.feed.fileBatchResults(other);
    expect((await reopened.db.listRuns()).map((r) => r.id)).toEqual([batchGalleryId(other.id)]);
  });

  it('two status reads filed at once (dialog and background) add each result once', async () => {
    const { feed, db } = await page();
    await Promise.all([
      feed.fileBatchResults(status(2)),
      feed.fileBatchResults(status(3, 'finished')),
      feed.fileBatchResults(status(3, 'finished')),
    ]);
    const stored = await db.listRuns();
    expect(stored).toHaveLength(1);
    expect(labels(stored[0])).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
    expect(fetched).toHaveLength(3);
  });
});

describe('the workflow kept with a batch entry', () => {
  it('a batch whose workflow the app server no longer has is still filed, without "Open workflow"', async () => {
    server.workflows.clear();
    const { feed, gallery } = await page();
    await feed.fileBatchResults(status(1, 'finished'));
    const runs = gallery.useGallery.getState().runs;
    expect(labels(runs[0])).toEqual(['photo-1.png']);
    expect(runs[0]!.batch).toEqual({ id: ID });
    expect(runs[0]!.workflow.nodes).toEqual([]);
  });

  it('the app server unreachable: nothing is filed yet, the next status files it with its workflow', async () => {
    const { feed, gallery } = await page();
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(feed.fileBatchResults(status(1))).rejects.toThrow(/Failed to fetch/);
    expect(gallery.useGallery.getState().runs).toEqual([]);
    vi.unstubAllGlobals();
    vi.stubGlobal('fetch', stubbedFetch);
    await feed.fileBatchResults(status(1));
    expect(gallery.useGallery.getState().runs[0]!.batch).toEqual({ id: ID, hasWorkflow: true });
  });
});

describe('batches this browser started, followed at start-up', () => {
  const RUNNING = 'aaaaaaaaaaaaaaaa';
  const ENDED = 'bbbbbbbbbbbbbbbb';
  const GONE = 'cccccccccccccccc';
  const as = (id: string, s: BatchStatus): BatchStatus => ({ ...s, id });

  it('remembers a bounded list of ids and ignores what it does not recognise', async () => {
    const memory = await import('../../app/batch/batch-memory.ts');
    expect(memory.startedBatches()).toEqual([]);
    for (let i = 0; i < 25; i++) memory.rememberBatch(i.toString(16).padStart(16, '0'));
    const ids = memory.startedBatches();
    expect(ids).toHaveLength(20);
    expect(ids[0]).toBe('5'.padStart(16, '0')); // the oldest went
    memory.rememberBatch(ids[0]!); // started again: the newest now
    expect(memory.startedBatches().at(-1)).toBe(ids[0]);
    memory.forgetBatch(ids[0]!);
    expect(memory.startedBatches()).not.toContain(ids[0]);
    localStorage.setItem('fooocus-flow-batches-started', '["../x", 3, "0123456789abcdef"]');
    expect(memory.startedBatches()).toEqual([ID]);
    localStorage.setItem('fooocus-flow-batches-started', '{not json');
    expect(memory.startedBatches()).toEqual([]);
  });

  it('files a running batch as it finishes and one that ended while closed; forgets them and a gone one', async () => {
    const memory = await import('../../app/batch/batch-memory.ts');
    for (const id of [RUNNING, ENDED, GONE]) memory.rememberBatch(id);
    server.workflows.set(RUNNING, workflowFile('running'));
    server.workflows.set(ENDED, workflowFile('ended'));
    server.statuses.set(RUNNING, as(RUNNING, status(1)));
    server.statuses.set(ENDED, as(ENDED, status(3, 'finished')));

    const { feed, gallery, db } = await page(); // a reload: nothing shown yet
    const stop = feed.followStartedBatches();
    try {
      const entry = (id: string) =>
        gallery.useGallery.getState().runs.find((r) => r.id === batchGalleryId(id));
      // Ended while no page was open: filed once, then forgotten; gone: forgotten.
      await vi.waitFor(() => expect(memory.startedBatches()).toEqual([RUNNING]), { timeout: 20_000 });
      expect(labels(entry(ENDED))).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
      expect(entry(ENDED)!.workflow.name).toBe('made with ended');
      await vi.waitFor(() => expect(labels(entry(RUNNING))).toEqual(['photo-1.png']), { timeout: 20_000 });
      expect(entry(RUNNING)!.workflow.name).toBe('made with running');

      // The running one finishes: its other results join the same entry, then it is forgotten.
      server.statuses.set(RUNNING, as(RUNNING, status(3, 'finished')));
      await vi.waitFor(() => expect(memory.startedBatches()).toEqual([]), { timeout: 20_000 });
      expect(labels(entry(RUNNING))).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png']);
      const stored = await db.listRuns();
      expect(stored.map((r) => r.id).sort()).toEqual([batchGalleryId(RUNNING), batchGalleryId(ENDED)].sort());
      expect(fetched).toHaveLength(6); // each result once
    } finally {
      stop();
    }
  });

  it('a batch the app server cannot be reached for stays remembered for the next start-up', async () => {
    const memory = await import('../../app/batch/batch-memory.ts');
    memory.rememberBatch(ENDED);
    let calls = 0;
    vi.stubGlobal('fetch', () => {
      calls++;
      return Promise.reject(new TypeError('Failed to fetch'));
    });
    const { feed } = await page();
    const stop = feed.followStartedBatches();
    await vi.waitFor(() => expect(calls).toBe(1));
    stop();
    vi.unstubAllGlobals();
    vi.stubGlobal('fetch', stubbedFetch);
    expect(memory.startedBatches()).toEqual([ENDED]);
  });
});
