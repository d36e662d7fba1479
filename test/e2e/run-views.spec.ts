import { expect, test, type Page } from '@playwright/test';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { docOf, fromFileMenu, request, type HookWindow } from './helpers.ts';
import {
  RUN_URL,
  clickRun,
  fillImages,
  maskBuffer,
  openTemplateOnRunServer,
  pngBuffer,
  selectOnCanvas,
  uploadImage,
  watchRun,
} from './run-helpers.ts';

/**
 * The request view (provenance both ways, runnable snippets), server errors on the node and field,
 * the results gallery and the mask painter, against the app server with the simulated engine.
 */
const DIR = 'test/artifacts/screenshots';
const exec = promisify(execFile);

const nodeOfKind = async (page: Page, kind: string) =>
  (await docOf(page)).nodes.find((n) => n.kind === kind)!.id;

async function copied(page: Page, which: 'json' | 'curl' | 'python' | 'fetch'): Promise<string> {
  await page.evaluate(() => navigator.clipboard.writeText(''));
  await page.locator(`.request-panel [data-copy="${which}"]`).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).not.toBe('');
  return page.evaluate(() => navigator.clipboard.readText());
}

function pythonWithRequests(): string {
  for (const py of ['python3', '/usr/bin/python3'])
    if (spawnSync(py, ['-c', 'import requests']).status === 0) return py;
  throw new Error('No python3 with the "requests" package: apt-get install -y python3-requests');
}

test('request view: selecting a node highlights its fields; clicking a field selects its node', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'vary-image-prompt');
  await fillImages(page);
  const ip = await nodeOfKind(page, 'imagePrompt');
  const vary = await nodeOfKind(page, 'vary');
  await selectOnCanvas(page, ip);
  const hl = page.locator('.request-panel .json-line.hl');
  await expect(hl.first()).toBeVisible();
  const paths = await hl.evaluateAll((els) => els.map((e) => e.getAttribute('data-path')).filter(Boolean));
  expect(paths.length).toBeGreaterThan(0);
  expect(paths.some((p) => p!.startsWith('controlnet_image.0'))).toBe(true);
  expect(paths).not.toContain('uov_method');
  expect(paths).not.toContain('prompt');
  // The plan in plain words above the JSON.
  await expect(page.getByTestId('plan-summary')).not.toBeEmpty();
  await expect(page.getByTestId('plan-images')).toHaveText('1');
  // Images are shown by size and type, not as pages of base64.
  await expect(page.locator('.request-panel [data-path="uov_input_image"]')).toContainText(
    '<image 96×64 PNG, ',
  );
  mkdirSync(DIR, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: `${DIR}/request-view-highlight.png` });

  await page.locator('.request-panel [data-path="uov_method"] button').click();
  await expect(page.locator(`.node-form[data-node="${vary}"]`)).toBeVisible();
  await expect(page.locator('.request-panel [data-path="uov_method"]')).toHaveClass(/hl/);
});

test('request view: the copied curl and Python snippets run against the engine and give results', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: RUN_URL });
  await openTemplateOnRunServer(page, 'vary-image-prompt');
  await fillImages(page);
  await expect(page.locator('.request-panel .snippet-target')).toContainText(`${RUN_URL}/api`);
  const dir = mkdtempSync(join(tmpdir(), 'ff-snippets-'));

  const curl = await copied(page, 'curl');
  expect(curl).toContain(`${RUN_URL}/api/v1/engine/generate/`);
  expect(curl).toContain('data:image/png;base64,');
  expect(curl).not.toContain('X-API-KEY');
  writeFileSync(join(dir, 'run.sh'), curl);
  const fromCurl = JSON.parse((await exec('bash', [join(dir, 'run.sh')], { timeout: 40_000 })).stdout) as {
    task_status: string;
    result: string[];
  };
  expect(fromCurl.task_status).toBe('finished');
  expect(fromCurl.result).toHaveLength(1);

  const py = await copied(page, 'python');
  expect(py).toContain('import requests');
  writeFileSync(join(dir, 'run.py'), py);
  const out = (await exec(pythonWithRequests(), [join(dir, 'run.py')], { timeout: 40_000 })).stdout;
  const lines = out.trim().split('\n');
  expect(lines[0]).toBe('finished');
  expect(lines.slice(1)).toHaveLength(1);
  expect(lines[1]).toMatch(/\/outputs\/.+\.png$/);

  const json = JSON.parse(await copied(page, 'json')) as Record<string, unknown>;
  expect(json.uov_method).toBe('Vary (Strong)');
  const fetchJs = await copied(page, 'fetch');
  expect(fetchJs).toContain('await fetch(');
});

test('run: a 422 from the server lands on the node and field that produced it', async ({ page }) => {
  await openTemplateOnRunServer(page, 'vary-image-prompt');
  await fillImages(page);
  const ip = await nodeOfKind(page, 'imagePrompt');
  const before = await docOf(page);
  // A FooocusAPI whose pydantic model bounds the weight more tightly than ours: the real 422 shape.
  await page.route('**/api/v1/engine/generate/', (route) =>
    route.fulfill({
      status: 422,
      contentType: 'application/json',
      body: JSON.stringify({
        detail: [
          {
            type: 'less_than_equal',
            loc: ['body', 'controlnet_image', 0, 'cn_weight'],
            msg: 'Input should be less than or equal to 0.5',
            input: 0.6,
            ctx: { le: 0.5 },
          },
        ],
      }),
    }),
  );
  await clickRun(page);
  expect((await watchRun(page)).phase).toBe('failed');
  const err = page.getByTestId('run-error');
  await expect(err).toContainText('422');
  await expect(err).toContainText('cn_weight');
  await expect(err).toContainText('Your graph was not changed');
  // On the node: an error badge; in the inspector: under the field.
  await expect(page.locator(`.react-flow__node[data-id="${ip}"] .badge.error`)).toBeVisible();
  await err.locator('button.link').first().click();
  await expect(page.locator(`.node-form[data-node="${ip}"]`)).toBeVisible();
  await expect(page.locator('.inspector [data-field="cn_weight"] .field-diag.error')).toContainText(
    'less than or equal to 0.5',
  );
  expect(await docOf(page)).toEqual(before);
});

/** Opens the text-to-image template and runs it twice to the end: two runs in the gallery. */
async function twoTextToImageRuns(page: Page): Promise<void> {
  await openTemplateOnRunServer(page, 'text-to-image');
  for (let i = 0; i < 2; i++) {
    await clickRun(page);
    expect((await watchRun(page)).phase).toBe('done');
  }
}

test('gallery: results keep time and seed; lightbox zooms and compares; reuse as input', async ({ page }) => {
  await twoTextToImageRuns(page);
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await expect(gallery.locator('.gallery-run')).toHaveCount(2);
  await expect(gallery.locator('.gallery-run').first()).toContainText('Seed');
  await page.getByTestId('gallery-item').first().click();
  const lightbox = page.getByTestId('lightbox');
  await expect(lightbox).toBeVisible();
  await lightbox.getByRole('button', { name: 'Compare…' }).click();
  await lightbox.locator('.compare-strip button').nth(1).click();
  await expect(lightbox.locator('.lightbox-view.split figure')).toHaveCount(2);
  await lightbox.getByRole('button', { name: 'Zoom in' }).click();
  await expect(lightbox.locator('.lightbox-view')).not.toHaveClass(/fit/);
  await lightbox.getByRole('button', { name: 'Fit' }).click();
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: `${DIR}/gallery-compare.png` });
  await lightbox.getByRole('button', { name: 'Close' }).click();
  await page.screenshot({ path: `${DIR}/gallery.png` });

  // Results survive a reload (IndexedDB, images as blobs).
  await page.reload();
  await page.getByTestId('open-gallery').click();
  await expect(page.getByTestId('gallery-item')).toHaveCount(2);

  // "Download all" is one zip: the run's images with the workflow and request that made them.
  const [zipDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('.gallery-run').first().getByRole('button', { name: 'Download all' }).click(),
  ]);
  expect(zipDownload.suggestedFilename()).toMatch(/-\d+\.zip$/);
  const zipPath = join(mkdtempSync(join(tmpdir(), 'gallery-zip-')), 'run.zip');
  await zipDownload.saveAs(zipPath);
  const listing = JSON.parse(
    (
      await exec('python3', [
        '-c',
        'import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps(z.namelist()))',
        zipPath,
      ])
    ).stdout,
  ) as string[];
  expect(listing).toEqual([expect.stringMatching(/-1\.png$/), 'workflow.fooocus-flow.json', 'request.json']);
  const unzipped = join(mkdtempSync(join(tmpdir(), 'gallery-unzip-')), 'x');
  await exec('python3', [
    '-c',
    'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])',
    zipPath,
    unzipped,
  ]);
  expect(await sharp(join(unzipped, listing[0]!)).metadata()).toMatchObject({
    width: 1152,
    height: 896,
    format: 'png',
  });
  const requestSent = JSON.parse(readFileSync(join(unzipped, 'request.json'), 'utf8')) as { prompt?: string };
  expect(typeof requestSent.prompt).toBe('string');
  expect(JSON.parse(readFileSync(join(unzipped, 'workflow.fooocus-flow.json'), 'utf8'))).toMatchObject({
    nodes: expect.arrayContaining([expect.objectContaining({ kind: 'promptSettings' })]),
  });

  // "Use as Input Image" adds an Input Image with the result and its size.
  await page.getByTestId('gallery-item').first().click();
  await page.getByTestId('lightbox').getByRole('button', { name: 'Use as Input Image' }).click();
  await expect(page.locator('.dialog.gallery')).toHaveCount(0);
  const added = (await docOf(page)).nodes.find((n) => n.kind === 'inputImage');
  expect(String(added?.params.image)).toMatch(/^asset:[0-9a-f]{64}$/);
  expect(added?.params.width).toBe(1152);
  expect(added?.params.height).toBe(896);

  // "Open the workflow that made this" brings back the text-to-image graph.
  await page.getByTestId('open-gallery').click();
  await page
    .locator('.gallery-run')
    .first()
    .getByRole('button', { name: 'Open the workflow that made this' })
    .click();
  // The canvas holds other work now (the added Input Image): the editor asks before replacing it.
  await page.getByRole('alertdialog').getByRole('button', { name: 'Open it' }).click();
  await expect
    .poll(async () => (await docOf(page)).nodes.map((n) => n.kind).sort())
    .toEqual(['output', 'promptSettings']);
});

test('mask painter: a painted mask has the image size and reaches the request', async ({ page }) => {
  await openTemplateOnRunServer(page, 'inpaint-image-prompt');
  const doc = await docOf(page);
  for (const n of doc.nodes.filter((x) => x.kind === 'inputImage'))
    await uploadImage(page, n.id, await pngBuffer(120, 80, n.id.length * 40));
  const mask = await nodeOfKind(page, 'mask');
  await selectOnCanvas(page, mask);
  await page.getByTestId('open-painter').click();
  const painter = page.getByTestId('mask-painter');
  await expect(painter.getByTestId('painter-size')).toContainText('120 × 80');
  const canvas = painter.getByTestId('painter-canvas');
  const box = (await canvas.boundingBox())!;
  const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
  await page.mouse.move(...at(0.2, 0.3));
  await page.mouse.down();
  await page.mouse.move(...at(0.5, 0.5), { steps: 6 });
  await page.mouse.move(...at(0.8, 0.6), { steps: 6 });
  await page.mouse.up();
  // A second stroke, undone by Ctrl+Z: the painter's own undo, not the graph's (the painter has focus).
  const secondStroke = async () => {
    await page.mouse.move(...at(0.1, 0.9));
    await page.mouse.down();
    await page.mouse.move(...at(0.3, 0.9), { steps: 3 });
    await page.mouse.up();
  };
  const graphHistory = () => page.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.history());
  const historyBefore = await graphHistory();
  await secondStroke();
  await page.keyboard.press('Control+z');
  await expect(painter).toBeVisible();
  expect(await graphHistory()).toEqual(historyBefore);
  // Again, undone by the Undo button this time: the first stroke stays.
  await secondStroke();
  await painter.getByRole('button', { name: 'Undo' }).click();
  mkdirSync(DIR, { recursive: true });
  await page.screenshot({ path: `${DIR}/mask-painter.png` });
  await painter.getByTestId('painter-apply').click();
  // Apply encodes the PNG and stores it as an asset (a worker) before closing: slow on a busy machine.
  await expect(painter).toHaveCount(0, { timeout: 30_000 });

  const m = (await docOf(page)).nodes.find((n) => n.id === mask)!;
  expect(m.params.source).toBe('drawn');
  expect([m.params.width, m.params.height]).toEqual([120, 80]);
  const req = await request(page);
  const sent = String(req.inpaint_mask_image_upload);
  // The request carries the painted PNG, or names it once stored as an asset (bytes put in when sent).
  expect(sent).toMatch(/^(asset:[0-9a-f]{64}|data:image\/png;base64,)/);
  const measured = await page.evaluate(async (ref) => {
    const src = ref.startsWith('data:')
      ? ref
      : await (
          window as unknown as { __fooocusFlow: { assetUrl(r: string): Promise<string | null> } }
        ).__fooocusFlow.assetUrl(ref);
    if (!src) throw new Error(`asset not stored: ${ref}`);
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let white = 0;
    let other = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i] === 255 && px[i + 1] === 255 && px[i + 2] === 255) white++;
      else if (px[i] !== 0 || px[i + 1] !== 0 || px[i + 2] !== 0) other++;
    }
    const centre = ((c.height / 2) * c.width + c.width / 2) * 4;
    const corner = ((c.height - 4) * c.width + Math.floor(c.width * 0.2)) * 4;
    return { w: c.width, h: c.height, white, other, centre: px[centre], undone: px[corner] };
  }, sent);
  expect(measured).toMatchObject({ w: 120, h: 80, other: 0, centre: 255, undone: 0 });
  expect(measured.white).toBeGreaterThan(50);

  // The run with the drawn mask goes through.
  await clickRun(page);
  expect((await watchRun(page)).phase).toBe('done');
});

test('pixel checks show on the node while editing: a mask with no white (G-5), a mask of another shape (G-6)', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'inpaint-image-prompt');
  await fillImages(page, 96, 64);
  const mask = await nodeOfKind(page, 'mask');
  const problem = (code: string) => page.locator('.problems li.problem', { hasText: code });
  const maskBadge = page.locator(`.react-flow__node[data-id="${mask}"] .badge`);
  await expect(page.locator('.problems .hint.ok')).toBeVisible(); // images and mask fit: no problem at all

  // An all-black mask: Fooocus would skip the inpaint silently. Shown without pressing Run.
  const black = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  await uploadImage(page, mask, black, 'black.png');
  await expect(problem('G-5')).toContainText('no white pixel');
  await expect(problem('G-5')).toHaveClass(/warning/);
  await expect(maskBadge).toHaveClass(/warning/);

  // A square mask on a 3:2 image: it would be stretched to fit, so painted areas move.
  const square = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
  await uploadImage(page, mask, square, 'square.png');
  // Export right away, before the background check has caught up: the file has the fitted mask too.
  const [exported] = await Promise.all([page.waitForEvent('download'), fromFileMenu(page, 'Export request')]);
  const exportedFile = join(mkdtempSync(join(tmpdir(), 'export-')), 'request.json');
  await exported.saveAs(exportedFile);
  const exportedMask = String(
    (JSON.parse(readFileSync(exportedFile, 'utf8')) as Record<string, unknown>).inpaint_mask_image_upload,
  );
  expect(
    await sharp(Buffer.from(exportedMask.slice(exportedMask.indexOf(',') + 1), 'base64')).metadata(),
  ).toMatchObject({ width: 96, height: 64 });
  await expect(problem('G-6')).toContainText('stretched');
  await expect(problem('G-6')).toHaveCount(1); // once: from the measured pixels
  await expect(problem('G-5')).toHaveCount(0);
  await page.screenshot({ path: `${DIR}/pixel-check-warning.png` });
  // The request view shows the mask as it will be sent: fitted to the image.
  const sentMask = String((await request(page)).inpaint_mask_image_upload);
  expect(
    await sharp(Buffer.from(sentMask.slice(sentMask.indexOf(',') + 1), 'base64')).metadata(),
  ).toMatchObject({
    width: 96,
    height: 64,
  });

  // The right mask again: both findings go away.
  await uploadImage(page, mask, await maskBuffer(96, 64), 'mask.png');
  await expect(page.locator('.problems .hint.ok')).toBeVisible();
});

test('settings: the simulated engine speed is shown and can be changed from the editor', async ({ page }) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  await page.getByTestId('toolbar-settings').click();
  const field = page.getByTestId('sim-speed');
  await expect(field).toContainText('12 ms per step');
  const input = field.getByRole('spinbutton', { name: 'Simulated engine speed' });
  try {
    await input.fill('30');
    await field.getByRole('button', { name: 'Apply' }).click();
    await expect(field).toContainText('30 ms per step');
    const config = (await (await page.request.get(`${RUN_URL}/app/config`)).json()) as { simSpeed: number };
    expect(config.simSpeed).toBe(30);
    await input.fill('-4');
    await field.getByRole('button', { name: 'Apply' }).click();
    await expect(field.getByRole('alert')).toContainText('0 to 5000');
  } finally {
    // The run server is shared by the other run tests: put its pace back.
    await page.request.post(`${RUN_URL}/app/sim-speed`, { data: { ms: 12 }, headers: { origin: RUN_URL } });
  }
});

test('settings: the results storage limit is shown, checked, applied at once and remembered', async ({
  page,
}) => {
  await twoTextToImageRuns(page);
  await page.getByTestId('toolbar-settings').click();
  const field = page.getByTestId('gallery-limit');
  await expect(field).toContainText(/up to 300 MB; now [\d.]+ MB in 2 runs\./);
  const used = Number(/now ([\d.]+) MB/.exec((await field.textContent()) ?? '')![1]);
  const input = field.getByRole('spinbutton', { name: 'Results kept in this browser' });
  await input.fill('0');
  await field.getByRole('button', { name: 'Apply' }).click();
  await expect(field.getByRole('alert')).toContainText('from 1 to 10000');

  // 1 MB: if the two runs take more, the older one goes now; the newest always stays.
  await input.fill('1');
  await field.getByRole('button', { name: 'Apply' }).click();
  await expect(field).toContainText(`up to 1 MB; now`);
  // "now X MB" is rounded to 0.1 MB: near 1 MB either outcome is right, but it must be consistent.
  await expect(field).toContainText(/in [12] runs?\./);
  const left = Number(/in (\d) runs?\./.exec((await field.textContent()) ?? '')![1]);
  if (used > 1.05) expect(left).toBe(1);
  if (used < 0.95) expect(left).toBe(2);
  if (left === 1)
    await expect(field.getByRole('status')).toContainText('Deleted to fit the new limit: 1 run');
  await page.screenshot({ path: `${DIR}/settings.png` });
  await page.reload();
  await page.getByTestId('open-gallery').click();
  await expect(page.getByTestId('gallery-item')).toHaveCount(left);
  await page.locator('.dialog.gallery .dialog-head').getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('toolbar-settings').click();
  await expect(page.getByTestId('gallery-limit')).toContainText('up to 1 MB');
});
