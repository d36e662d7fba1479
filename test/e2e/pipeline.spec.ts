import { expect, test, type Page } from '@playwright/test';
import { GraphBuilder } from '../../nodes/build.ts';
import { readFileSync } from 'node:fs';
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
  RUN_URL,
  shownTaskId,
  uploadImage,
  watchRun,
} from './run-helpers.ts';

/**
 * A graph one request cannot do, run from the editor against the simulated engine: Upscale 2x →
 * Inpaint on a 640×480 photo shows two step tabs with the cut reason, runs both requests and keeps
 * the final 1280×960 image labelled "Step 2"; Stop while step 2 runs (held by the engine, no
 * timing) keeps step 1's image; a reload while step 1 runs picks the pipeline up and step 2 runs
 * with step 1's result; a failed step keeps its task id and Retry sends from that step, even after
 * a reload; the run's zip holds every step's request and a replay script.
 */

// Two requests of a 1280×960 image per run, a reload and a download, on a shared 2-core machine.
test.describe.configure({ timeout: 240_000 });

/** The files of a stored (uncompressed) zip, as text, from its local file headers. */
function zipFiles(zip: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  let at = 0;
  while (at + 30 <= zip.length && zip.readUInt32LE(at) === 0x04034b50) {
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extraLength = zip.readUInt16LE(at + 28);
    const start = at + 30 + nameLength + extraLength;
    files.set(zip.toString('utf8', at + 30, at + 30 + nameLength), zip.toString('utf8', start, start + size));
    at = start + size;
  }
  return files;
}

/** Arms a one-shot fault of the simulated engine (test control, through the app server). */
async function injectFault(kind: 'finish-empty-next'): Promise<void> {
  const res = await fetch(`${RUN_URL}/api/__sim/fault`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind }),
  });
  expect(res.ok).toBe(true);
}

const panel = (page: Page) => page.locator('.run-panel');

async function downloadZip(page: Page): Promise<Map<string, string>> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('run-download').click(),
  ]);
  return zipFiles(readFileSync(await download.path()));
}

/** The gallery's image captions; the pipeline is always ONE gallery entry. */
async function galleryImageSizes(page: Page): Promise<string[]> {
  await page.getByTestId('open-gallery').click();
  await expect(page.locator('.dialog.gallery')).toBeVisible();
  await expect(page.locator('.gallery-run')).toHaveCount(1);
  const sizes = await page.locator('.dialog.gallery .image-size').allTextContents();
  await closeGallery(page);
  return sizes;
}

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

test('pipeline: a reload while step 1 runs picks the pipeline up, runs step 2 and keeps both steps’ images', async ({
  page,
}) => {
  await openUpscaleInpaint(page);
  const hold = await holdAt(0);
  await clickRun(page);
  const held = await holdReached(hold);
  expect(await shownTaskId(page)).toBe(held.reached!.taskId.slice(0, 8));
  await expect(page.getByTestId('run-step')).toHaveText('Step 1 of 2: ');

  await page.reload();
  await expect(panel(page)).toHaveAttribute('data-phase', 'running');
  await expect(panel(page)).toContainText('Picked up again after a reload');
  await expect(page.getByTestId('run-step')).toHaveText('Step 1 of 2: ');
  // The same task is followed: step 1 is not sent again.
  expect(await shownTaskId(page)).toBe(held.reached!.taskId.slice(0, 8));
  await releaseHold(hold);
  await expect(page.getByTestId('run-step')).toHaveText('Step 2 of 2: ', { timeout: 60_000 });
  await expect(panel(page)).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
  expect(await galleryImageSizes(page)).toEqual(['Step 1 · 1280 × 960', 'Step 2 · 1280 × 960']);

  // The run's zip: every step's request, why it starts there, the tasks that ran it, a replay script.
  const files = await downloadZip(page);
  expect([...files.keys()].filter((n) => n.endsWith('.png'))).toHaveLength(2);
  const manifest = JSON.parse(files.get('steps.json')!) as {
    step: number;
    request: string;
    startsHere: string | null;
    input: { field: string } | null;
    taskIds: string[];
  }[];
  expect(manifest.map((m) => [m.step, m.request, m.input?.field ?? null])).toEqual([
    [1, 'steps/step-1.request.json', null],
    [2, 'steps/step-2.request.json', 'inpaint_input_image'],
  ]);
  expect(manifest[1]!.startsHere).toBe(
    'Step 2 starts here: Fooocus cannot Inpaint in the same request as Upscale.',
  );
  expect(manifest[0]!.taskIds).toEqual([held.reached!.taskId]);
  expect(manifest[1]!.taskIds).toHaveLength(1);
  expect(manifest[1]!.taskIds[0]).not.toBe(held.reached!.taskId);
  const step1 = JSON.parse(files.get('steps/step-1.request.json')!) as Record<string, unknown>;
  const step2 = JSON.parse(files.get('steps/step-2.request.json')!) as Record<string, unknown>;
  expect(step1.uov_method).toBe('Upscale (2x)');
  expect(String(step1.uov_input_image)).toMatch(/^data:image\/png;base64,/);
  expect(step2.inpaint_input_image).toBe('fooocus-flow:step-result:1');
  expect(String(step2.inpaint_mask_image_upload)).toMatch(/^data:image\/png;base64,/);
  expect(files.get('request.json')).toBe(files.get('steps/step-1.request.json'));
  expect(files.get('replay.py')).toContain('"input": "inpaint_input_image"');
});

test('pipeline: a failed step keeps its task id; after a reload Retry sends only that step again', async ({
  page,
}) => {
  await openUpscaleInpaint(page);
  const hold = await holdAt(0);
  await clickRun(page);
  const held = await holdReached(hold);
  await injectFault('finish-empty-next'); // the next request, step 2's, finishes without an image
  await releaseHold(hold);
  await expect(panel(page)).toHaveAttribute('data-phase', 'failed', { timeout: 150_000 });
  await expect(page.getByTestId('run-error')).toContainText('Step 2 of 2:');
  const failedTask = await shownTaskId(page);
  expect(failedTask).not.toBe(held.reached!.taskId.slice(0, 8));
  await expect(page.getByTestId('retry-step')).toHaveText('Retry from step 2');
  // Step 1's image is in the gallery already.
  expect(await galleryImageSizes(page)).toEqual(['Step 1 · 1280 × 960']);

  // A reload keeps the failed pipeline, its task id and Retry (it is not sent again by itself).
  await page.reload();
  // Start-up reads the journal before it shows the run (more room on a busy machine; no timing asserted).
  await expect(panel(page)).toHaveAttribute('data-phase', 'failed', { timeout: 30_000 });
  await expect(page.getByTestId('run-error')).toContainText('Step 2 of 2 failed');
  expect(await shownTaskId(page)).toBe(failedTask);
  await page.getByTestId('retry-step').click();
  await expect(page.getByTestId('run-step')).toHaveText('Step 2 of 2: ');
  await expect(panel(page)).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
  // One gallery entry for the pipeline, now with both steps' images.
  expect(await galleryImageSizes(page)).toEqual(['Step 1 · 1280 × 960', 'Step 2 · 1280 × 960']);
  const manifest = JSON.parse((await downloadZip(page)).get('steps.json')!) as {
    taskIds: string[];
    failedTaskIds?: string[];
  }[];
  expect(manifest[0]!.taskIds).toEqual([held.reached!.taskId]);
  expect(manifest[1]!.failedTaskIds?.map((id) => id.slice(0, 8))).toEqual([failedTask]);
  expect(manifest[1]!.taskIds[0]!.slice(0, 8)).not.toBe(failedTask);
});

test('pipeline: Vary → Enhance × 4 regions runs as two requests; the final image comes after all four', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'blank');
  const b = new GraphBuilder();
  const i = b.add('inputImage');
  const v = b.add('vary');
  b.wire(i, v);
  let prev = v;
  for (const w of ['face', 'eye', 'mouth', 'hair']) {
    const r = b.add('enhanceRegion', { enhance_mask_dino_prompt: w });
    b.wire(prev, r);
    prev = r;
  }
  b.wire(prev, b.add('output'));
  const doc = { ...b.build('Vary then four regions'), overflow: 'steps' };
  await page.evaluate(
    (d) =>
      (window as unknown as { __fooocusFlow: { loadForBench(d: unknown): void } }).__fooocusFlow.loadForBench(
        d,
      ),
    doc,
  );
  await layout(page);
  await uploadImage(page, i, await pngBuffer(320, 240));
  await layout(page);
  await expect(page.getByTestId('step-tab-2')).toBeVisible();
  await clickRun(page);
  await expect(panel(page)).toHaveAttribute('data-phase', 'done', { timeout: 150_000 });
  // Step 1: Vary and three regions; step 2: the fourth region on step 1's last image.
  const sizes = await galleryImageSizes(page);
  expect(sizes.map((s) => s.split(' · ')[0])).toEqual(['Step 1', 'Step 1', 'Step 1', 'Step 1', 'Step 2']);
  const files = await downloadZip(page);
  const step2 = JSON.parse(files.get('steps/step-2.request.json')!) as {
    enhance_input_image: string;
    enhance_ctrls: { enhance_enabled: boolean; enhance_mask_dino_prompt: string }[];
  };
  expect(step2.enhance_input_image).toBe('fooocus-flow:step-result:1');
  expect(step2.enhance_ctrls.filter((c) => c.enhance_enabled).map((c) => c.enhance_mask_dino_prompt)).toEqual(
    ['hair'],
  );
  const manifest = JSON.parse(files.get('steps.json')!) as { startsHere: string | null }[];
  expect(manifest[1]!.startsHere).toMatch(/^Step 2 starts here: /);
});
