import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { docOf } from './helpers.ts';
import {
  clickRun,
  closeGallery,
  fillImages,
  galleryCount,
  openTemplateOnRunServer,
  phaseOf,
  progressOf,
  selectOnCanvas,
  setNumber,
  watchRun,
} from './run-helpers.ts';

/**
 * Running from the editor against the simulated engine (app server + sim, second webServer): every
 * seed scenario runs to 100 % and its images land in the gallery; Stop ends a run; a reload mid-run
 * follows the task again.
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
    await clickRun(page);
    await expect(page.locator('.run-panel')).toHaveAttribute('data-phase', /preparing|running/);
    const { seen, phase } = await watchRun(page);
    expect(phase).toBe('done');
    expect(seen.at(-1)).toBe(100);
    expect(
      seen.some((p) => p > 0 && p < 100),
      `progress moved: ${seen.join(',')}`,
    ).toBe(true);
    await expect(page.getByTestId('run-done')).toContainText(`${expected} images`);
    expect(await galleryCount(page)).toBe(expected);
    await closeGallery(page);
  });
}

test('run: the running stage is shown on the node that owns it, in plan order', async ({ page }) => {
  await openTemplateOnRunServer(page, 'enhance-chain');
  await fillImages(page);
  const doc = await docOf(page);
  // Record every node that shows the running badge, as the DOM changes (a poll from the test could
  // miss a short stage on a busy machine; a MutationObserver sees each render).
  await page.evaluate(`(() => {
    window.__owners = [];
    const note = () => {
      const id = document.querySelector('[data-testid="node-running"]')?.closest('.react-flow__node')?.getAttribute('data-id');
      if (id && window.__owners[window.__owners.length - 1] !== id) window.__owners.push(id);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true });
  })()`);
  await clickRun(page);
  await expect.poll(() => phaseOf(page), { timeout: 45_000 }).toBe('done');
  const owners = await page.evaluate(() => (window as unknown as { __owners: string[] }).__owners);
  const vary = doc.nodes.find((n) => n.kind === 'vary')!.id;
  const regions = doc.nodes.filter((n) => n.kind === 'enhanceRegion').map((n) => n.id);
  // Main pass first, then each region in turn (some may be too quick to catch, never out of order).
  expect(owners[0]).toBe(vary);
  const order = [vary, ...regions];
  const idx = owners.map((o) => order.indexOf(o));
  expect(idx.every((v) => v >= 0)).toBe(true);
  expect(idx).toEqual([...idx].sort((a, b) => a - b));
  expect(owners.filter((o) => regions.includes(o)).length).toBeGreaterThanOrEqual(2);
});

test('run: Stop ends a run and keeps the graph', async ({ page }) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  const doc = await docOf(page);
  const settings = doc.nodes.find((n) => n.kind === 'promptSettings')!.id;
  await setNumber(page, settings, 'image_number', 8);
  const before = await docOf(page);
  await clickRun(page);
  await expect.poll(() => progressOf(page), { timeout: 30_000, intervals: [50] }).toBeGreaterThan(20);
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: `${DIR}/run-in-progress.png` });
  await page.getByTestId('stop').click();
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
  await setNumber(page, settings, 'image_number', 6);
  await clickRun(page);
  // The task id is known (and kept) once the server has listed the task.
  await expect(page.locator('.run-panel')).toContainText('task', { timeout: 15_000 });
  const atReload = await progressOf(page);
  expect(atReload).toBeLessThan(100);
  await page.reload();
  await expect(page.locator('.run-panel')).toHaveAttribute('data-phase', 'running');
  await expect(page.locator('.run-panel')).toContainText('Picked up again after a reload');
  const { phase, seen } = await watchRun(page);
  expect(phase).toBe('done');
  expect(seen.at(-1)).toBe(100);
  expect(await galleryCount(page)).toBe(6);
});

test('run: Run is off with the list of reasons while the graph has errors', async ({ page }) => {
  await openTemplateOnRunServer(page, 'vary-image-prompt');
  // No images yet: the Vary has no input image.
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
