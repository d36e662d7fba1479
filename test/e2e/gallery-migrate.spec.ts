import { expect, test, type Page } from '@playwright/test';
import { docOf, openBlank } from './helpers.ts';

/**
 * Gallery runs stored before results were assets hold their images as blobs in the gallery's
 * database. On open the editor turns each into a result asset (once): the run then refers to it by
 * hash, the bytes are the same, and "Use as Input Image" gives the node that asset (no copy).
 */

/** Stores a run as the earlier build did: its image as a PNG blob in the run record. */
async function storeOldRun(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const canvas = new OffscreenCanvas(96, 64);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#3a7';
    ctx.fillRect(0, 0, 96, 64);
    ctx.fillStyle = '#f3c';
    ctx.fillRect(20, 10, 30, 30);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('fooocus-flow-results', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('runs', { keyPath: 'id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction('runs', 'readwrite');
    tx.objectStore('runs').put({
      id: 'run-before-assets',
      at: Date.now() - 60_000,
      seed: 7,
      name: 'Before assets',
      workflow: {
        format: 'fooocus-flow',
        version: 2,
        name: 'Before assets',
        description: '',
        nodes: [],
        edges: [],
        exposed: [],
        assets: {},
      },
      requestJson: '{}',
      images: [{ blob, width: 96, height: 64, url: 'http://127.0.0.1:1/files/old-result.png' }],
      stopped: false,
      bytes: blob.size + 2,
    });
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return hash;
  });
}

/** The stored run's images (asset hash, blob left) and the asset record for `hash`, read directly. */
async function stored(page: Page, hash: string) {
  return page.evaluate(async (h) => {
    const open = (name: string) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    const get = <T>(db: IDBDatabase, store: string, key: string) =>
      new Promise<T | undefined>((resolve, reject) => {
        const req = db.transaction(store, 'readonly').objectStore(store).get(key);
        req.onsuccess = () => resolve(req.result as T | undefined);
        req.onerror = () => reject(req.error);
      });
    const results = await open('fooocus-flow-results');
    const run = await get<{ images: { asset?: { hash: string }; blob?: Blob }[] }>(
      results,
      'runs',
      'run-before-assets',
    );
    results.close();
    const editor = await open('fooocus-flow');
    const rec = await get<{ origin?: string; blob: Blob }>(editor, 'assets', h);
    const count = await new Promise<number>((resolve) => {
      const req = editor.transaction('assets', 'readonly').objectStore('assets').count();
      req.onsuccess = () => resolve(req.result);
    });
    editor.close();
    const bytes = rec ? [...new Uint8Array(await rec.blob.arrayBuffer())] : null;
    return {
      images: run?.images.map((i) => ({ asset: i.asset?.hash ?? null, blob: !!i.blob })) ?? null,
      origin: rec?.origin ?? null,
      bytes,
      records: count,
    };
  }, hash);
}

test('a gallery run stored with image blobs is migrated to result assets on open; using it adds no copy', async ({
  page,
}) => {
  await openBlank(page);
  const hash = await storeOldRun(page);
  const before = await stored(page, hash);
  expect(before.images).toEqual([{ asset: null, blob: true }]);
  expect(before.bytes).toBeNull();

  await page.reload();
  await expect.poll(async () => (await stored(page, hash)).images).toEqual([{ asset: hash, blob: false }]);
  const after = await stored(page, hash);
  expect(after.origin).toBe('result');
  // The asset holds the very bytes the run held (its SHA-256 is the key, computed from them above).
  const digest = await page.evaluate(async (bytes) => {
    const d = await crypto.subtle.digest('SHA-256', new Uint8Array(bytes));
    return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, after.bytes!);
  expect(digest).toBe(hash);

  // The gallery shows it; "Use as Input Image" refers to that asset and stores nothing new.
  const start = page.locator('[data-template="blank"]');
  if (await start.isVisible()) await start.click();
  await page.getByTestId('open-gallery').click();
  await expect(page.getByTestId('gallery-item')).toHaveCount(1);
  await page.getByTestId('gallery-item').first().click();
  await page.getByTestId('lightbox').getByRole('button', { name: 'Use as Input Image' }).click();
  await expect
    .poll(async () => (await docOf(page)).nodes.find((n) => n.kind === 'inputImage')?.params.image)
    .toBe(`asset:${hash}`);
  const used = await stored(page, hash);
  // One record more at most: the `used:<hash>` marker, never a second copy of the image.
  expect(used.records).toBeLessThanOrEqual(after.records + 1);
  expect(used.bytes).toEqual(after.bytes);

  // Opened again, nothing is left to migrate and the run is unchanged.
  await page.reload();
  expect((await stored(page, hash)).images).toEqual([{ asset: hash, blob: false }]);
});
