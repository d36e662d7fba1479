import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { docOf } from './helpers.ts';
import {
  clickRun,
  closeGallery,
  galleryCount,
  holdAt,
  holdReached,
  openTemplateOnRunServer,
  releaseHold,
  RUN_URL,
  setNumber,
  shownTaskId,
  watchRun,
} from './run-helpers.ts';

/**
 * Nothing a run made is lost: two tabs running at once both end up in the gallery (each run has
 * its own journal row, the engine queues the second and the tab says how many tasks are ahead);
 * when the browser's storage refuses the results, the user is told until it is resolved and can
 * still download the images. Runs are held at a sampling step by the engine, never timed.
 */
const DIR = 'test/artifacts/screenshots';
// Two runs (or a run, a download and a reload) per test on a shared 2-core machine.
test.describe.configure({ timeout: 180_000 });

/** The file names of a stored (uncompressed) zip, from its local file headers. */
function zipEntryNames(zip: Buffer): string[] {
  const names: string[] = [];
  let at = 0;
  while (at + 30 <= zip.length && zip.readUInt32LE(at) === 0x04034b50) {
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extraLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 30, at + 30 + nameLength));
    at += 30 + nameLength + extraLength + size;
  }
  return names;
}

const panel = (p: Page) => p.locator('.run-panel');
const storageFull = (p: Page, on: boolean) =>
  p.evaluate(
    (v) =>
      (
        window as unknown as { __fooocusFlow: { simulateStorageFull(on: boolean): void } }
      ).__fooocusFlow.simulateStorageFull(v),
    on,
  );

test('run: two tabs running at the same time both keep their results; the second waits with "1 task ahead"', async ({
  context,
}) => {
  const a = await context.newPage();
  await openTemplateOnRunServer(a, 'text-to-image');
  const b = await context.newPage();
  await b.goto(RUN_URL); // opens the autosaved workflow of tab A
  await expect(b.locator('.react-flow__node')).toHaveCount((await docOf(a)).nodes.length);

  const hold = await holdAt(2);
  await clickRun(a);
  const reached = await holdReached(hold);
  expect(await shownTaskId(a)).toBe(reached.reached!.taskId.slice(0, 8));
  // B's task queues behind A's held one.
  await clickRun(b);
  await expect(panel(b)).toHaveAttribute('data-wait', 'queued');
  await expect(b.getByTestId('run-message')).toHaveText('waiting: 1 task ahead');
  mkdirSync(DIR, { recursive: true });
  await b.screenshot({ path: `${DIR}/run-waiting.png` });

  await releaseHold(hold);
  expect((await watchRun(a)).phase).toBe('done');
  expect((await watchRun(b)).phase).toBe('done');
  await expect(a.getByTestId('run-done')).toHaveAttribute('data-kept', 'true');
  await expect(b.getByTestId('run-done')).toHaveAttribute('data-kept', 'true');
  // Each tab sees both runs (the other tab's arrives by its announcement), and so does a new page.
  expect(await galleryCount(a)).toBe(2);
  await closeGallery(a);
  expect(await galleryCount(b)).toBe(2);
  const c = await context.newPage();
  await c.goto(RUN_URL);
  expect(await galleryCount(c)).toBe(2);
});

test('run: with the storage full the user is told until it is resolved and can still download the images', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  const settings = (await docOf(page)).nodes.find((n) => n.kind === 'promptSettings')!.id;
  await setNumber(page, settings, 'image_number', 2);
  // The gallery's transaction is refused with a QuotaExceededError, after its deletes and put were
  // queued (CDP's Storage.overrideQuotaForOrigin has no effect on this Chromium build).
  await storageFull(page, true);
  await clickRun(page);
  expect((await watchRun(page)).phase).toBe('done');
  const done = page.getByTestId('run-done');
  await expect(done).toHaveAttribute('data-kept', 'false');
  await expect(done).toContainText('NOT kept in the gallery');
  const banner = page.getByTestId('storage-banner-gallery');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('data-full', 'true');
  await expect(banner).toContainText('storage is full');
  await expect(banner).toContainText('delete old runs in Results or lower the results limit in Settings');
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: `${DIR}/storage-full.png` });

  // The images are still there to download, from the run panel.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('run-download').click(),
  ]);
  const zip = readFileSync(await download.path());
  const names = zipEntryNames(zip);
  expect(names.filter((n) => n.endsWith('.png'))).toHaveLength(2);
  expect(names).toContain('workflow.fooocus-flow.json');

  // A lasting message: still there after other work (an edit that autosaves fine does not clear it).
  await setNumber(page, settings, 'image_number', 1);
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await expect(banner).toBeVisible();

  // Space is freed: Try again keeps the run, the banner goes, and the run survives a reload.
  await storageFull(page, false);
  await page.getByTestId('storage-retry-gallery').click();
  await expect(banner).toHaveCount(0);
  await expect(done).toHaveAttribute('data-kept', 'true');
  await page.reload();
  expect(await galleryCount(page)).toBe(2);
  await expect(page.locator('.gallery-run')).toHaveCount(1);
  await expect(page.getByTestId('gallery-unkept')).toHaveCount(0);
});
