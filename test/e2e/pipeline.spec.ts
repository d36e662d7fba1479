import { expect, test, type Page } from '@playwright/test';
import { GraphBuilder } from '../../nodes/build.ts';
import { docOf, layout } from './helpers.ts';
import {
  clickRun,
  closeGallery,
  holdAt,
  holdReached,
  maskBuffer,
  openTemplateOnRunServer,
  pngBuffer,
  releaseHold,
  stopReachedEngine,
  uploadImage,
  watchRun,
} from './run-helpers.ts';

/**
 * A graph one request cannot do, run from the editor against the simulated engine: Upscale 2x →
 * Inpaint on a 640×480 photo shows two step tabs with the cut reason, runs both requests and keeps
 * the final 1280×960 image labelled "Step 2"; Stop while step 2 runs (held by the engine, no
 * timing) keeps step 1's image.
 */

/** Opens the editor on the run server and loads Upscale 2x → Inpaint (split into steps) with real images. */
async function openUpscaleInpaint(page: Page): Promise<{ p: string }> {
  await openTemplateOnRunServer(page, 'blank');
  const b = new GraphBuilder();
  const i = b.add('inputImage');
  const m = b.add('mask');
  const u = b.add('upscale', { method: 'Upscale (2x)' });
  const p = b.add('inpaint');
  b.wire(i, m, 'image').wire(i, u).wire(u, p).wire(m, p, 'mask').wire(p, b.add('output'));
  const doc = { ...b.build('Upscale then inpaint'), overflow: 'steps' };
  await page.evaluate(
    (d) =>
      (window as unknown as { __fooocusFlow: { loadForBench(d: unknown): void } }).__fooocusFlow.loadForBench(
        d,
      ),
    doc,
  );
  await layout(page);
  await uploadImage(page, i, await pngBuffer(640, 480));
  await uploadImage(page, m, await maskBuffer(640, 480), 'mask.png');
  await layout(page);
  return { p };
}

test('pipeline: Upscale 2x → Inpaint shows its steps, runs both and keeps the 1280×960 result', async ({
  page,
}) => {
  const { p } = await openUpscaleInpaint(page);
  // The request view: one tab per step, the second with why the graph is cut there.
  await expect(page.getByTestId('step-tab-1')).toBeVisible();
  await page.getByTestId('step-tab-2').click();
  await expect(page.getByTestId('step-reason')).toHaveText(
    'Step 2 starts here: Fooocus cannot Inpaint in the same request as Upscale.',
  );
  await expect(page.getByTestId('request-json')).toContainText('fooocus-flow:step-result:1');
  await expect(page.getByTestId('plan-images')).toHaveText('2');
  // The cut is explained on the node where step 2 starts too.
  expect((await docOf(page)).nodes.some((n) => n.id === p)).toBe(true);

  await clickRun(page);
  // Two requests, the second carrying a 1280×960 image and mask: on a busy machine this outlasts
  // watchRun's 45 s, so the end state is awaited with more room (no timing is asserted).
  await expect(page.locator('.run-panel')).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
  await page.getByTestId('open-gallery').click();
  await expect(page.locator('.dialog.gallery')).toBeVisible();
  await expect(page.getByTestId('gallery-item')).toHaveCount(2);
  await expect(page.locator('.dialog.gallery .image-size')).toHaveText([
    'Step 1 · 1280 × 960',
    'Step 2 · 1280 × 960',
  ]);
  await closeGallery(page);
});

test('pipeline: Stop while step 2 runs keeps step 1’s image', async ({ page }) => {
  await openUpscaleInpaint(page);
  const first = await holdAt(0);
  await clickRun(page);
  const step1 = await holdReached(first);
  const second = await holdAt(0); // the next task the worker picks: step 2's
  await releaseHold(first);
  const picked = await holdReached(second);
  expect(picked.reached!.taskId).not.toBe(step1.reached!.taskId);
  const third = await holdAt(2, picked.reached!.taskId);
  await releaseHold(second);
  await holdReached(third);
  await expect(page.getByTestId('run-step')).toHaveText('Step 2 of 2: ');
  await page.getByTestId('stop').click();
  await expect(page.locator('.run-panel')).toHaveAttribute('data-phase', 'stopping');
  await stopReachedEngine();
  await releaseHold(third);
  const { phase } = await watchRun(page);
  expect(phase).toBe('stopped');
  await page.getByTestId('open-gallery').click();
  await expect(page.getByTestId('gallery-item')).toHaveCount(1);
  await expect(page.locator('.dialog.gallery .image-size')).toHaveText(['Step 1 · 1280 × 960']);
  await closeGallery(page);
});
