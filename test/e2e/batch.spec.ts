/**
 * "Run as batch…" in the editor, end to end on the app server with the simulated engine: a template
 * with an exposed image input, three real generated images, the grid filling in, Stop while the
 * engine holds the first item (the task is stopped there), Resume, all done, and the zip holds
 * every result with the manifest, contact sheet and CSV. The results are in the gallery as one entry
 * for the batch (never twice, also after a reload), and "Use as Input Image" works from it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { docOf } from './helpers.ts';
import {
  holdAt,
  holdReached,
  openTemplateOnRunServer,
  pngBuffer,
  releaseHold,
  stopReachedEngine,
} from './run-helpers.ts';

const DIR = 'test/artifacts/screenshots';

test.afterEach(async () => {
  await releaseHold();
});

test('Run as batch: grid fills, Stop while held, Resume, all done, zip with every result', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'vary-image-prompt');
  await page.getByTestId('file-menu').click();
  const item = page.getByTestId('open-batch');
  await expect(item).not.toHaveAttribute('aria-disabled', 'true');
  await item.click();
  const dialog = page.getByTestId('batch-dialog');
  await expect(dialog).toBeVisible();
  // The template exposes two image inputs; the batch binds "image" (the reference stays as it is).
  await expect(page.getByTestId('batch-input')).toHaveValue('image');

  const files = await Promise.all(
    [0, 90, 180].map(async (hue, i) => ({
      name: `photo-${i + 1}.png`,
      mimeType: 'image/png',
      buffer: await pngBuffer(96, 64, hue),
    })),
  );
  await page.getByTestId('batch-files').setInputFiles(files);
  await expect(page.getByTestId('batch-picked')).toHaveText('3 image(s) chosen');

  const hold = await holdAt(2);
  await page.getByTestId('batch-start').click();
  await holdReached(hold);
  const items = dialog.getByTestId('batch-item');
  await expect(items).toHaveCount(3);
  await expect(dialog.getByTestId('batch-state')).toHaveAttribute('data-state', 'running');
  await expect(dialog.locator('[data-testid="batch-item"][data-state="running"]')).not.toHaveCount(0);
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: `${DIR}/batch-running.png` });

  // Stop while the engine holds the first item: the task is stopped on the engine (confirmed).
  await page.getByTestId('batch-stop').click();
  await stopReachedEngine();
  await releaseHold(hold);
  await expect(dialog.getByTestId('batch-state')).toHaveAttribute('data-state', 'stopped', {
    timeout: 30_000,
  });
  await expect(dialog.locator('[data-testid="batch-item"][data-state="done"]')).toHaveCount(0);

  await page.getByTestId('batch-resume').click();
  await expect(dialog.getByTestId('batch-state')).toHaveAttribute('data-state', 'finished', {
    timeout: 60_000,
  });
  await expect(dialog.locator('[data-testid="batch-item"][data-state="done"]')).toHaveCount(3);
  await expect(dialog.getByTestId('batch-progress')).toHaveText('3 of 3 done, 0 failed');
  const results = dialog.getByTestId('batch-result');
  await expect(results).toHaveCount(3);
  for (const img of await results.all())
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await page.screenshot({ path: `${DIR}/batch-done.png` });
  const zipHref = (await page.getByTestId('batch-zip').getAttribute('href'))!;
  const batchId = /\/app\/batches\/([0-9a-f]{16})\/zip$/.exec(zipHref)![1]!;

  // The results are in the gallery as ONE entry for the batch, each result under its item's name.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await page.getByTestId('open-gallery').click();
  const entry = page.getByTestId('gallery-batch');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText(`Batch ${batchId}`);
  await expect(entry.getByTestId('gallery-item-label')).toHaveText(
    ['photo-1.png', 'photo-2.png', 'photo-3.png'],
    { timeout: 30_000 },
  ); // fetched, hashed and stored as assets on a busy machine
  for (const img of await entry.locator('img').all())
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  await expect(entry.getByTestId('gallery-batch-zip')).toHaveAttribute('href', zipHref);
  await page.screenshot({ path: `${DIR}/gallery-batch.png` });
  // "Open batch" brings its dialog back, with its grid and its zip.
  await entry.getByTestId('gallery-open-batch').click();
  await expect(dialog.getByTestId('batch-state')).toHaveAttribute('data-state', 'finished');
  await expect(dialog.getByTestId('batch-result')).toHaveCount(3);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('batch-zip').click(),
  ]);
  const entries = unzipSync(new Uint8Array(await readFile((await download.path())!)));
  const names = Object.keys(entries);
  const root = names[0]!.split('/')[0]!;
  for (const f of ['manifest.json', 'index.html', 'results.csv']) expect(names).toContain(`${root}/${f}`);
  const pngs = names.filter((n) => /\/items\/.+\.png$/.test(n));
  expect(pngs).toHaveLength(3);
  for (const n of pngs) expect([...entries[n]!.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
  const manifest = JSON.parse(new TextDecoder().decode(entries[`${root}/manifest.json`])) as {
    items: { label: string; state: string }[];
  };
  expect(manifest.items.map((i) => [i.label, i.state])).toEqual([
    ['photo-1.png', 'done'],
    ['photo-2.png', 'done'],
    ['photo-3.png', 'done'],
  ]);

  // After a reload the batch is still there: listed under earlier batches, opened with its results.
  await page.reload();
  await page.getByTestId('file-menu').click();
  await page.getByTestId('open-batch').click();
  await page.getByTestId('batch-earlier').first().click();
  await expect(dialog.getByTestId('batch-state')).toHaveAttribute('data-state', 'finished');
  await expect(dialog.getByTestId('batch-result')).toHaveCount(3);

  // Reopened after the reload, the batch adds nothing twice: still one entry with 3 results.
  await page.keyboard.press('Escape');
  await page.getByTestId('open-gallery').click();
  await expect(entry).toHaveCount(1);
  await expect(entry.getByTestId('gallery-item')).toHaveCount(3);
  const stored = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const req = indexedDB.open('fooocus-flow-results');
      req.onsuccess = () => resolve(req.result);
    });
    const runs = await new Promise<{ batch?: { id: string }; images: { asset: { hash: string } }[] }[]>(
      (resolve) => {
        const req = db.transaction('runs', 'readonly').objectStore('runs').getAll();
        req.onsuccess = () => resolve(req.result as never);
      },
    );
    db.close();
    return runs
      .filter((r) => r.batch)
      .map((r) => ({ id: r.batch!.id, hashes: r.images.map((i) => i.asset.hash) }));
  });
  expect(stored).toHaveLength(1);
  expect(stored[0]!.id).toBe(batchId);
  expect(new Set(stored[0]!.hashes).size).toBe(3);

  // "Use as Input Image" from the batch's entry: a new image node with that very result asset.
  await entry.getByTestId('gallery-item').nth(1).click();
  await expect(page.getByTestId('lightbox')).toContainText('photo-2.png');
  // Downloaded, it is named after its item's input file and holds the very result asset's bytes.
  const [one] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('lightbox').getByRole('button', { name: 'Download', exact: true }).click(),
  ]);
  expect(one.suggestedFilename()).toMatch(/-photo-2-2\.png$/);
  const bytes = await readFile((await one.path())!);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(stored[0]!.hashes[1]);
  const before = new Set((await docOf(page)).nodes.map((n) => n.id));
  await page.getByTestId('lightbox').getByRole('button', { name: 'Use as Input Image' }).click();
  await expect(page.locator('.dialog.gallery')).toHaveCount(0);
  const added = (await docOf(page)).nodes.find((n) => n.kind === 'inputImage' && !before.has(n.id));
  expect(added?.params.image).toBe(`asset:${stored[0]!.hashes[1]}`);
  await expect(
    page.locator(`.react-flow__node[data-id="${added!.id}"] img.thumb[data-asset="${stored[0]!.hashes[1]}"]`),
  ).toBeVisible();
});

test('Run as batch is disabled, with the reason, when no image input is exposed', async ({ page }) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  await page.getByTestId('file-menu').click();
  const item = page.getByTestId('open-batch');
  await expect(item).toHaveAttribute('aria-disabled', 'true');
  await expect(item).toHaveAttribute('title', /Expose an image input first/);
  // Chosen anyway (a click on the greyed item): nothing opens.
  await item.dispatchEvent('click');
  await expect(page.getByTestId('batch-dialog')).toHaveCount(0);
});
