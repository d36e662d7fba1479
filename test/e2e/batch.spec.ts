/**
 * "Run as batch…" in the editor, end to end on the app server with the simulated engine: a template
 * with an exposed image input, three real generated images, the grid filling in, Stop while the
 * engine holds the first item (the task is stopped there), Resume, all done, and the zip holds
 * every result with the manifest, contact sheet and CSV.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
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
