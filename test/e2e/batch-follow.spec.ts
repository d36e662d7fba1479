/**
 * "Run as batch…" across a reload, end to end on the app server with the simulated engine: the
 * engine holds the first item while the page is reloaded; the reloaded page follows the batch in the
 * background (it was remembered as started here), so its results join the gallery without the batch
 * dialog being opened, and the batch is forgotten once it ended. The gallery entry keeps the
 * workflow the batch was made from: "Open workflow" opens THAT graph (asking first, as the canvas
 * holds another one by then). An item whose image is over the pixel budget fails with a reason in
 * the editor's words (which file, which input, what to do), not the CLI's `--input` text.
 */
import { expect, test, type Page } from '@playwright/test';
import { docOf } from './helpers.ts';
import { holdAt, holdReached, openTemplateOnRunServer, pngBuffer, releaseHold } from './run-helpers.ts';

const STARTED = 'fooocus-flow-batches-started';

test.afterEach(async () => {
  await releaseHold();
});

const started = (page: Page) =>
  page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? '[]') as string[], STARTED);

/** The graph without its layout or ids' order: what "the same workflow" means here. */
const shape = (doc: { nodes: { kind: string; params: Record<string, unknown> }[]; edges: unknown[] }) => ({
  kinds: doc.nodes.map((n) => n.kind).sort(),
  edges: doc.edges.length,
});

test('a batch running through a reload is followed in the background; its entry opens its own workflow', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'vary-image-prompt');
  const batchDoc = await docOf(page);
  await page.getByTestId('file-menu').click();
  await page.getByTestId('open-batch').click();
  const dialog = page.getByTestId('batch-dialog');
  // A real PNG whose header claims 20000×20000 px: uploaded, then refused before it is decoded.
  const huge = await pngBuffer(96, 64, 30);
  huge.writeUInt32BE(20_000, 16);
  huge.writeUInt32BE(20_000, 20);
  await page.getByTestId('batch-files').setInputFiles([
    { name: 'huge.png', mimeType: 'image/png', buffer: huge },
    ...(await Promise.all(
      [0, 180].map(async (hue, i) => ({
        name: `photo-${i + 1}.png`,
        mimeType: 'image/png',
        buffer: await pngBuffer(96, 64, hue),
      })),
    )),
  ]);
  const hold = await holdAt(2);
  await page.getByTestId('batch-start').click();
  await holdReached(hold);
  await expect(dialog.getByTestId('batch-state')).toHaveAttribute('data-state', 'running');
  const zipHref = (await page.getByTestId('batch-zip').getAttribute('href'))!;
  const batchId = /\/app\/batches\/([0-9a-f]{16})\/zip$/.exec(zipHref)![1]!;
  expect(await started(page)).toEqual([batchId]);

  // Reloaded while the engine holds the first item: nothing is open, the batch is still remembered.
  await page.reload();
  await expect(page.getByTestId('file-menu')).toBeVisible();
  expect(await started(page)).toEqual([batchId]);
  // Another graph on the canvas by now (the batch must not take it for its own).
  page.on('dialog', (d) => void d.accept());
  if ((await page.locator('.start-screen').count()) === 0)
    await page.locator('.toolbar button').first().click();
  await page.locator('[data-template="text-to-image"]').click();
  await expect(page.locator('.start-screen')).toHaveCount(0);
  expect(shape(await docOf(page))).not.toEqual(shape(batchDoc));

  // Released: the batch finishes on the app server, and this page files its results on its own.
  await releaseHold(hold);
  await expect.poll(() => started(page), { timeout: 60_000 }).toEqual([]);
  await expect(dialog).toHaveCount(0);
  await page.getByTestId('open-gallery').click();
  const entry = page.getByTestId('gallery-batch');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText(`Batch ${batchId}`);
  await expect(entry.getByTestId('gallery-item-label')).toHaveText(['photo-1.png', 'photo-2.png'], {
    timeout: 30_000,
  });

  // "Open workflow" on the entry: the batch's own graph, after asking (the canvas holds another).
  await entry.getByTestId('gallery-batch-workflow').click();
  const ask = page.getByRole('alertdialog');
  await expect(ask).toContainText('Replace the open workflow?');
  await ask.getByRole('button', { name: 'Open it' }).click();
  await expect.poll(async () => shape(await docOf(page))).toEqual(shape(batchDoc));

  // The failed item's reason, in the editor's words.
  await page.getByTestId('open-gallery').click();
  await entry.getByTestId('gallery-open-batch').click();
  await expect(dialog.getByTestId('batch-state')).toHaveAttribute('data-state', 'finished');
  const failed = dialog.locator('[data-testid="batch-item"][data-state="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed.getByTestId('batch-item-error')).toContainText(
    'Failed: “huge.png” for “image” is too large. This image says it is 20000×20000',
  );
  await expect(failed.getByTestId('batch-item-error')).not.toContainText('--input');
  // Reopening it adds nothing twice.
  await page.keyboard.press('Escape');
  await page.getByTestId('open-gallery').click();
  await expect(entry.getByTestId('gallery-item')).toHaveCount(2);
});
