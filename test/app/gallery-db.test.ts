import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredRun } from '../../app/run/gallery-db.ts';

/**
 * The gallery store's insert and its eviction are one IndexedDB transaction: a refused insert
 * deletes nothing, and two tabs adding at once cannot both decide from the same old list.
 * (fake-indexeddb gives the real transaction rules in Node; each "tab" is its own copy of the
 * module with its own connection.)
 */
type GalleryDb = typeof import('../../app/run/gallery-db.ts');

async function tab(): Promise<GalleryDb> {
  vi.resetModules();
  return import('../../app/run/gallery-db.ts');
}

const run = (id: string, at: number, bytes: number): StoredRun => ({
  id,
  at,
  seed: at,
  name: id,
  workflow: { version: 1, name: id, nodes: [], edges: [] } as unknown as StoredRun['workflow'],
  requestJson: '{}',
  images: [
    { blob: new Blob([new Uint8Array(8)], { type: 'image/png' }), width: 1, height: 1, url: `/${id}.png` },
  ],
  stopped: false,
  bytes,
});

const ids = async (db: GalleryDb) => (await db.listRuns()).map((r) => r.id);

beforeEach(async () => {
  await (await tab()).clearRuns();
});

describe('gallery store: eviction and insert in one transaction', () => {
  it('drops the oldest runs so the new one fits, and returns their ids', async () => {
    const db = await tab();
    for (const [id, at] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      expect(await db.addRun(run(id, at, 40), 1000)).toEqual([]);
    expect(await db.addRun(run('d', 4, 40), 100)).toEqual(['a', 'b']);
    expect(await ids(db)).toEqual(['c', 'd']);
  });

  it('keeps the newest run alone when it is larger than the whole bound', async () => {
    const db = await tab();
    await db.addRun(run('a', 1, 10), 100);
    expect(await db.addRun(run('huge', 2, 500), 100)).toEqual(['a']);
    expect(await ids(db)).toEqual(['huge']);
  });

  it('a refused insert deletes nothing: the old runs are all still there', async () => {
    const db = await tab();
    await db.addRun(run('a', 1, 40), 100);
    await db.addRun(run('b', 2, 40), 100);
    // A value IndexedDB cannot store (a function) makes put throw inside the transaction, after
    // the deletes of a and b were queued: the whole transaction must be rolled back.
    const bad = { ...run('c', 3, 90), workflow: { f: () => 1 } } as unknown as StoredRun;
    await expect(db.addRun(bad, 100)).rejects.toThrow();
    expect(await ids(db)).toEqual(['a', 'b']);
  });

  it('two tabs adding at the same time stay within the bound and both new runs are kept', async () => {
    const setup = await tab();
    await setup.addRun(run('a', 1, 40), 100);
    await setup.addRun(run('b', 2, 40), 100);
    const [tab1, tab2] = [await tab(), await tab()];
    // Both start before either commits. Had each decided from the list it read before its own
    // transaction, both would drop only "a" and the store would hold b + c + d = 120 > 100.
    const [dropped1, dropped2] = await Promise.all([
      tab1.addRun(run('c', 3, 40), 100),
      tab2.addRun(run('d', 4, 40), 100),
    ]);
    const left = await setup.listRuns();
    expect(left.map((r) => r.id).sort()).toEqual(['c', 'd']);
    expect(left.reduce((n, r) => n + r.bytes, 0)).toBeLessThanOrEqual(100);
    expect([...dropped1, ...dropped2].sort()).toEqual(['a', 'b']);
  });
});
