import { expect, test, type Page } from '@playwright/test';
import { docOf } from './helpers.ts';
import { clickRun, openTemplateOnRunServer, watchRun } from './run-helpers.ts';

/**
 * Gallery results are assets: stored once, by content hash, in the editor's asset store. "Use as
 * Input Image" gives the node that same asset (no second copy), and the gallery's limit still bounds
 * what results take: a deleted run's result assets go, unless a node uses them.
 */

interface StoreView {
  /** Hash keys of the asset store (markers such as `used:<hash>` excluded), with each record's origin. */
  assets: { hash: string; origin: string | null; bytes: number }[];
  used: string[];
  /** Per gallery run: its images' asset hashes, and whether any image record still holds a blob. */
  runs: { id: string; hashes: string[]; blobs: number }[];
}

/** What IndexedDB holds, read directly (the test checks storage, not what the UI says about it). */
async function storeView(page: Page): Promise<StoreView> {
  return page.evaluate(async () => {
    const open = (name: string) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    const all = <T>(db: IDBDatabase, store: string) =>
      new Promise<{ keys: IDBValidKey[]; values: T[] }>((resolve, reject) => {
        const s = db.transaction(store, 'readonly').objectStore(store);
        const keys = s.getAllKeys();
        const values = s.getAll();
        values.onsuccess = () => resolve({ keys: keys.result, values: values.result as T[] });
        values.onerror = () => reject(values.error);
      });
    const editor = await open('fooocus-flow');
    const a = await all<{ origin?: string; blob?: Blob }>(editor, 'assets');
    const assets: StoreView['assets'] = [];
    const used: string[] = [];
    a.keys.forEach((k, i) => {
      const key = String(k);
      if (/^[0-9a-f]{64}$/.test(key))
        assets.push({ hash: key, origin: a.values[i]!.origin ?? null, bytes: a.values[i]!.blob!.size });
      else if (key.startsWith('used:')) used.push(key.slice(5));
    });
    editor.close();
    const results = await open('fooocus-flow-results');
    const r = await all<{ id: string; images: { asset?: { hash: string }; blob?: Blob }[] }>(results, 'runs');
    results.close();
    return {
      assets,
      used,
      runs: r.values.map((run) => ({
        id: run.id,
        hashes: run.images.flatMap((i) => (i.asset ? [i.asset.hash] : [])),
        blobs: run.images.filter((i) => i.blob).length,
      })),
    };
  });
}

/** SHA-256 (hex) of what the engine serves at a result URL, computed in the page. */
async function servedHash(page: Page, url: string): Promise<string> {
  return page.evaluate(async (u) => {
    const buf = await (await fetch(u)).arrayBuffer();
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
    return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, url);
}

test('gallery results are assets: "Use as Input Image" refers to the same asset, no second copy; deleting a run frees only unused results', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  for (let i = 0; i < 2; i++) {
    await clickRun(page);
    expect((await watchRun(page)).phase).toBe('done');
  }
  await expect.poll(async () => (await storeView(page)).runs.length).toBe(2);
  const stored = await storeView(page);
  // Each result is one asset record made by a run; the gallery's records refer to it by hash only.
  const [first, second] = [...stored.runs].sort((x, y) => x.id.localeCompare(y.id));
  const resultHashes = stored.runs.flatMap((r) => r.hashes);
  expect(resultHashes.length).toBeGreaterThanOrEqual(2);
  expect(stored.runs.every((r) => r.blobs === 0)).toBe(true);
  for (const h of resultHashes)
    expect(stored.assets.find((x) => x.hash === h)).toMatchObject({ origin: 'result' });

  // The stored asset is byte for byte what the engine served.
  const urls = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const req = indexedDB.open('fooocus-flow-results');
      req.onsuccess = () => resolve(req.result);
    });
    const runs = await new Promise<{ images: { url: string; asset: { hash: string } }[] }[]>((resolve) => {
      const req = db.transaction('runs', 'readonly').objectStore('runs').getAll();
      req.onsuccess = () => resolve(req.result as never);
    });
    db.close();
    return runs.flatMap((r) => r.images.map((i) => ({ url: i.url, hash: i.asset.hash })));
  });
  for (const u of urls) expect(await servedHash(page, u.url)).toBe(u.hash);

  // After a reload the gallery shows the runs from the asset store; using a result adds no record.
  await page.reload();
  await page.getByTestId('open-gallery').click();
  await expect(page.getByTestId('gallery-item')).toHaveCount(resultHashes.length);
  const runItems = page.locator('.gallery-run');
  // The gallery lists runs newest first.
  const order = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const req = indexedDB.open('fooocus-flow-results');
      req.onsuccess = () => resolve(req.result);
    });
    const runs = await new Promise<{ id: string; at: number }[]>((resolve) => {
      const req = db.transaction('runs', 'readonly').objectStore('runs').getAll();
      req.onsuccess = () => resolve(req.result as never);
    });
    db.close();
    return runs.sort((a, b) => b.at - a.at).map((r) => r.id);
  });
  const usedRun = first!;
  const otherRun = second!;
  await runItems.nth(order.indexOf(usedRun.id)).getByTestId('gallery-item').first().click();
  await page.getByTestId('lightbox').getByRole('button', { name: 'Use as Input Image' }).click();
  await expect(page.locator('.dialog.gallery')).toHaveCount(0);
  const added = (await docOf(page)).nodes.find((n) => n.kind === 'inputImage');
  const usedHash = usedRun.hashes[0]!;
  expect(added?.params.image).toBe(`asset:${usedHash}`);
  const afterUse = await storeView(page);
  expect(afterUse.assets.map((a) => a.hash).sort()).toEqual(stored.assets.map((a) => a.hash).sort());
  expect(afterUse.assets.filter((a) => a.hash === usedHash)).toHaveLength(1);
  expect(afterUse.used).toContain(usedHash);
  // The node shows the result's thumbnail (the asset is there, nothing reported missing).
  await expect(
    page.locator(`.react-flow__node[data-id="${added!.id}"] img.thumb[data-asset="${usedHash}"]`),
  ).toBeVisible();

  // Deleting both runs: the unused result's asset goes with its run; the used one stays for the node.
  await page.getByTestId('open-gallery').click();
  let shownOrder = [...order];
  for (const id of [otherRun.id, usedRun.id]) {
    await runItems.nth(shownOrder.indexOf(id)).getByRole('button', { name: 'Delete' }).click();
    shownOrder = shownOrder.filter((x) => x !== id);
    await expect.poll(async () => (await storeView(page)).runs.length).toBe(shownOrder.length);
  }
  const gone = [...otherRun.hashes, ...usedRun.hashes.filter((h) => h !== usedHash)];
  await expect
    .poll(async () => (await storeView(page)).assets.filter((a) => gone.includes(a.hash)).length)
    .toBe(0);
  expect((await storeView(page)).assets.map((a) => a.hash)).toContain(usedHash);
  await expect(
    page.locator(`.react-flow__node[data-id="${added!.id}"] img.thumb[data-asset="${usedHash}"]`),
  ).toBeVisible();
});
