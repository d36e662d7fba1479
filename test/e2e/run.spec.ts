import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { docOf } from './helpers.ts';
import {
  clickRun,
  closeGallery,
  fillImages,
  galleryCount,
  holdAt,
  holdReached,
  openTemplateOnRunServer,
  phaseOf,
  progressOf,
  releaseHold,
  stopReachedEngine,
  selectOnCanvas,
  setNumber,
  shownTaskId,
  watchRun,
} from './run-helpers.ts';

/**
 * Running from the editor against the simulated engine (app server + sim, second webServer): every
 * seed scenario runs to 100 % and its images land in the gallery; Stop ends a run once the server
 * confirms; a reload mid-run follows the task again. Runs are held at a sampling step by the
 * engine's test control, never timed.
 */
const DIR = 'test/artifacts/screenshots';

/** Results per template with the templates' defaults (1 image each; "mouse" finds nothing in the sim). */
const EXPECTED: Record<string, number> = {
  'text-to-image': 1,
  'vary-image-prompt': 1,
  'inpaint-image-prompt': 1,
  'vary-inpaint-image-prompt': 1,
  // The ImageEnhance example: 1 input image, face + eye regions found, "mouse" skipped → 3 saved.
  'enhance-chain': 3,
};

for (const [template, expected] of Object.entries(EXPECTED)) {
  test(`run: ${template} runs to 100 % and gives ${expected} results`, async ({ page }) => {
    await openTemplateOnRunServer(page, template);
    await fillImages(page);
    // Held at step 2 until the bar shows progress between 0 and 100: polling reads the task a few
    // times a second, so an unheld short run could pass from 0 to 100 between two reads.
    const hold = await holdAt(2);
    await clickRun(page);
    await expect(page.locator('.run-panel')).toHaveAttribute('data-phase', /preparing|running/);
    await holdReached(hold);
    await expect.poll(() => progressOf(page), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await progressOf(page)).toBeLessThan(100);
    await releaseHold(hold);
    const { seen, phase } = await watchRun(page);
    expect(phase).toBe('done');
    expect(seen.at(-1)).toBe(100);
    await expect(page.getByTestId('run-done')).toContainText(`${expected} images`);
    expect(await galleryCount(page)).toBe(expected);
    await closeGallery(page);
  });
}

test('run: while the main pass runs, the node that owns it shows it', async ({ page }) => {
  await openTemplateOnRunServer(page, 'enhance-chain');
  await fillImages(page);
  const vary = (await docOf(page)).nodes.find((n) => n.kind === 'vary')!.id;
  // The task is followed by polling: FooocusAPI's running record has no stage text, so the editor
  // shows the main pass's node until the task ends (stage-map.ts).
  const hold = await holdAt(2);
  await clickRun(page);
  await holdReached(hold);
  await expect(
    page.locator(`.react-flow__node[data-id="${vary}"] [data-testid="node-running"]`),
  ).toBeVisible();
  await releaseHold(hold);
  expect((await watchRun(page)).phase).toBe('done');
  await expect(page.getByTestId('node-running')).toHaveCount(0);
});

test('run: Stop waits for the server to confirm, ends the run and keeps the graph', async ({ page }) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  const doc = await docOf(page);
  const settings = doc.nodes.find((n) => n.kind === 'promptSettings')!.id;
  await setNumber(page, settings, 'image_number', 8);
  const before = await docOf(page);
  const hold = await holdAt(5);
  await clickRun(page);
  await holdReached(hold);
  await expect.poll(() => progressOf(page), { timeout: 15_000 }).toBeGreaterThan(0);
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: `${DIR}/run-in-progress.png` });
  await page.getByTestId('stop').click();
  // Not "stopped" on the click: the run says it waits for the server, until the record says "stop".
  await expect(page.locator('.run-panel')).toHaveAttribute('data-phase', 'stopping');
  await expect(page.getByTestId('run-message')).toContainText('waiting for the server to confirm');
  await stopReachedEngine();
  await releaseHold(hold);
  const { phase } = await watchRun(page);
  expect(phase).toBe('stopped');
  await expect(page.getByTestId('run-stopped')).toBeVisible();
  expect(await progressOf(page)).toBeLessThan(100);
  expect(await docOf(page)).toEqual(before);
  // Run is possible again right away.
  await expect(page.getByTestId('run')).toBeEnabled();
});

test('run: a reload mid-run follows the task again and stores its results', async ({ page }) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  const settings = (await docOf(page)).nodes.find((n) => n.kind === 'promptSettings')!.id;
  await setNumber(page, settings, 'image_number', 2);
  const hold = await holdAt(3);
  await clickRun(page);
  await holdReached(hold);
  const taskId = await shownTaskId(page);
  await page.reload();
  await expect(page.locator('.run-panel')).toHaveAttribute('data-phase', 'running');
  await expect(page.locator('.run-panel')).toContainText('Picked up again after a reload');
  expect(await shownTaskId(page)).toBe(taskId);
  await releaseHold(hold);
  const { phase, seen } = await watchRun(page);
  expect(phase).toBe('done');
  expect(seen.at(-1)).toBe(100);
  expect(await galleryCount(page)).toBe(2);
});

test('run: Run is off with the list of reasons while the graph has errors', async ({ page }) => {
  await openTemplateOnRunServer(page, 'vary-image-prompt');
  // The template comes with drawn sample images (app/samples/): clear the one the Vary works on.
  const doc = await docOf(page);
  const vary = doc.nodes.find((n) => n.kind === 'vary')!;
  const edges = doc.edges as { source: string; target: string }[];
  const img = doc.nodes.find(
    (n) => n.kind === 'inputImage' && edges.some((e) => e.source === n.id && e.target === vary.id),
  )!;
  await page.locator(`.react-flow__node[data-id="${img.id}"]`).getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('run')).toBeDisabled();
  const reasons = page.getByTestId('run-reasons');
  await expect(reasons).toBeVisible();
  await expect(reasons.locator('li')).not.toHaveCount(0);
  // A reason selects its node.
  await reasons.locator('li button').first().click();
  await expect(page.locator('.node-form')).toBeVisible();
  // Ctrl+Enter does nothing while blocked.
  await page.locator('.react-flow__pane').click();
  await page.keyboard.press('Control+Enter');
  expect(await phaseOf(page)).toBe('idle');
  await fillImages(page);
  await expect(page.getByTestId('run')).toBeEnabled();
  await page.locator('.react-flow__pane').click();
  await page.keyboard.press('Control+Enter');
  expect((await watchRun(page)).phase).toBe('done');
  await selectOnCanvas(page, (await docOf(page)).nodes.find((n) => n.kind === 'vary')!.id);
});
