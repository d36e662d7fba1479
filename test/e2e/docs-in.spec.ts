import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { requestDifferences } from '../../compiler/equivalence.ts';
import { E2E_LIBRARY_DIR } from '../../playwright.config.ts';
import { docOf, dropCanvasFiles, fromFileMenu, openBlank, request, viewSettled } from './helpers.ts';
import {
  RUN_URL,
  clickRun,
  closeGallery,
  galleryCount,
  openTemplateOnRunServer,
  watchRun,
} from './run-helpers.ts';

/**
 * Documents in, as a user: each seed request pasted as JSON and as the documents' Python code
 * becomes a graph that compiles to the seed; a curl file opened and a Python file dropped open as new
 * workflows after asking about unsaved work; every seed template runs as opened with its drawn
 * sample images; the workflow library saves, renames, survives a reload, reopens, and the CLI runs
 * a saved workflow by name; the server's history opens a past task as a graph.
 */
const DIR = 'test/artifacts/screenshots';
mkdirSync(DIR, { recursive: true });
const SEEDS = [
  'vary-image-prompt',
  'inpaint-image-prompt',
  'vary-inpaint-image-prompt',
  'enhance-chain',
] as const;
const seedText = (name: string, ext: 'json' | 'py') =>
  readFileSync(`test/fixtures/seeds/${name}.${ext}`, 'utf8');
const seedJson = (name: string) => JSON.parse(seedText(name, 'json')) as Record<string, unknown>;
const notice = (page: Page) => page.getByTestId('import-notice');

async function pasteOnCanvas(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+v');
}

/** Drops a text file on the canvas. */
const dropFile = (page: Page, name: string, text: string) =>
  dropCanvasFiles(page, [{ name, type: 'text/plain', base64: Buffer.from(text).toString('base64') }]);

for (const name of SEEDS)
  for (const form of ['json', 'py'] as const) {
    test(`paste the ${name} seed (${form === 'py' ? 'Python code' : 'JSON'}) → graph → the seed request`, async ({
      page,
      context,
    }) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await openBlank(page);
      await pasteOnCanvas(page, seedText(name, form));
      await expect(notice(page)).toContainText('Inserted a FooocusAPI request');
      await expect(notice(page)).toContainText(
        form === 'py' ? 'Read as Python code: params = {…}.' : 'Read as a FooocusAPI request (JSON).',
      );
      if (form === 'py') await expect(notice(page)).toContainText('Ignored: import requests; url = ');
      const doc = await docOf(page);
      expect(doc.nodes.length).toBeGreaterThanOrEqual(5);
      expect(doc.edges.length).toBeGreaterThanOrEqual(4);
      await expect(page.locator('.react-flow__node')).toHaveCount(doc.nodes.length);
      expect(requestDifferences(seedJson(name), await request(page))).toEqual([]);
      await viewSettled(page);
      await page.screenshot({ path: `${DIR}/docs-in-paste-${name}-${form}.png` });
    });
  }

test('Open… a curl command and drop a Python file: new workflows, asking first when work is unsaved', async ({
  page,
}) => {
  await openBlank(page);
  const curl = `curl -X POST http://127.0.0.1:7866/v1/engine/generate/ \\\n  -H 'Content-Type: application/json' \\\n  --data-raw '${JSON.stringify(seedJson('vary-image-prompt'))}'`;
  const chooser = page.waitForEvent('filechooser');
  await fromFileMenu(page, 'Open…');
  await (await chooser).setFiles({ name: 'vary.sh', mimeType: 'text/plain', buffer: Buffer.from(curl) });
  await expect(notice(page)).toContainText('Opened a FooocusAPI request');
  await expect(notice(page)).toContainText('Read as a curl command');
  await expect(notice(page)).toContainText('Ignored: -X POST; header Content-Type.');
  expect(requestDifferences(seedJson('vary-image-prompt'), await request(page))).toEqual([]);
  await viewSettled(page);
  await page.screenshot({ path: `${DIR}/docs-in-open-curl.png` });

  // Unsaved change, then a drop: the user is asked; "Cancel" keeps the graph as it is.
  const vary = (await docOf(page)).nodes.find((n) => n.kind === 'vary')!;
  await page.locator(`.react-flow__node[data-id="${vary.id}"] .flow-node-header`).click();
  await page.locator(`#i-${vary.id}-method`).selectOption('Vary (Subtle)');
  await expect
    .poll(async () => (await docOf(page)).nodes.find((n) => n.id === vary.id)?.params.method)
    .toBe('Vary (Subtle)');
  const before = await docOf(page);
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await dropFile(page, 'enhance.py', seedText('enhance-chain', 'py'));
  await expect
    .poll(() => asked)
    .toMatch(/^The open workflow has changes that are not in the library or a file/);
  expect(await docOf(page)).toEqual(before);

  page.once('dialog', (d) => void d.accept());
  await dropFile(page, 'enhance.py', seedText('enhance-chain', 'py'));
  await expect(notice(page)).toContainText('Read as Python code');
  await expect
    .poll(async () => (await docOf(page)).nodes.filter((n) => n.kind === 'enhanceRegion').length)
    .toBe(3);
  expect(requestDifferences(seedJson('enhance-chain'), await request(page))).toEqual([]);
  await viewSettled(page);
  await page.screenshot({ path: `${DIR}/docs-in-drop-python.png` });
});

const TEMPLATE_RESULTS: Record<string, number> = {
  'vary-image-prompt': 1,
  'inpaint-image-prompt': 1,
  'vary-inpaint-image-prompt': 1,
  // Face and eye found on the drawn portrait, "mouse" skipped (the simulated detector).
  'enhance-chain': 3,
};

for (const [template, expected] of Object.entries(TEMPLATE_RESULTS)) {
  test(`template ${template} runs as opened with its drawn sample images`, async ({ page }) => {
    await openTemplateOnRunServer(page, template);
    // Every image input holds a sample the editor drew (a stored asset with a thumbnail).
    const images = (await docOf(page)).nodes.filter((n) => n.kind === 'inputImage' || n.kind === 'mask');
    expect(images.length).toBeGreaterThan(0);
    for (const n of images) {
      expect(String(n.params.image)).toMatch(/^asset:[0-9a-f]{64}$/);
      await expect(page.locator(`.react-flow__node[data-id="${n.id}"] img.thumb`)).toBeVisible();
    }
    await page.screenshot({ path: `${DIR}/docs-in-template-${template}.png` });
    await clickRun(page);
    const { phase } = await watchRun(page);
    expect(phase).toBe('done');
    await expect(page.getByTestId('run-done')).toContainText(`${expected} image`);
    expect(await galleryCount(page)).toBe(expected);
    await page.screenshot({ path: `${DIR}/docs-in-template-${template}-results.png` });
    await closeGallery(page);
  });
}

test('library: save, rename, reload, reopen from the start screen, and run by name from the CLI', async ({
  page,
}) => {
  await rm(E2E_LIBRARY_DIR, { recursive: true, force: true });
  await openTemplateOnRunServer(page, 'vary-image-prompt');
  await fromFileMenu(page, 'Library');
  const dialog = page.locator('.library-dialog');
  await expect(dialog).toContainText('No saved workflows yet.');
  await dialog.getByTestId('library-name').fill('portrait draft');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog.locator('[data-workflow="portrait draft"]')).toBeVisible();

  page.once('dialog', (d) => void d.accept('my-portrait'));
  await dialog.locator('[data-workflow="portrait draft"]').getByRole('button', { name: 'Rename' }).click();
  await expect(dialog.locator('[data-workflow="my-portrait"]')).toBeVisible();
  await expect(dialog.locator('[data-workflow="portrait draft"]')).toHaveCount(0);
  await page.screenshot({ path: `${DIR}/docs-in-library.png` });
  const saved = await docOf(page);

  // After a reload and a new blank canvas, the library still lists it and reopens it.
  await page.reload();
  await page.getByRole('button', { name: 'New' }).click();
  await page.locator('[data-template="blank"]').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  await page.getByRole('button', { name: 'New' }).click();
  await expect(page.locator('[data-recent="my-portrait"]')).toBeVisible();
  await page.screenshot({ path: `${DIR}/docs-in-start-recent.png` });
  await page.locator('[data-recent="my-portrait"]').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(saved.nodes.length);
  const reopened = await docOf(page);
  expect(reopened.nodes.map((n) => [n.kind, n.params])).toEqual(saved.nodes.map((n) => [n.kind, n.params]));

  // The CLI runs it by name from the same folder, images and all.
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['cli/bin.mjs', 'run', 'my-portrait', '--out', `test-results/library-run-${Date.now()}`, '--seed', '4'],
    { env: { ...process.env, FOOOCUS_FLOW_WORKFLOWS: E2E_LIBRARY_DIR } },
  );
  expect(stderr).toContain('Workflow "my-portrait" from the library');
  expect(stdout).toMatch(/01-vary\.png/);
});

test('server history: past tasks newest first with thumbnails; one opens as a graph', async ({ page }) => {
  // A past task on the server, made outside the editor (as another client would).
  const res = await fetch(`${RUN_URL}/api/v1/engine/generate/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      prompt: 'a lighthouse from the history list',
      performance_selection: 'Lightning',
      image_seed: 11,
    }),
  });
  expect(res.status).toBe(200);
  const task = (await res.json()) as { task_id: string };

  await openTemplateOnRunServer(page, 'text-to-image');
  await fromFileMenu(page, 'Server history');
  const row = page.locator(`.history-list li[data-task="${task.task_id}"]`);
  await expect(row).toBeVisible();
  await expect(page.locator('.history-list li').first()).toHaveAttribute('data-task', task.task_id);
  await expect(row).toContainText('a lighthouse from the history list');
  await expect
    .poll(() =>
      row
        .locator('img')
        .first()
        .evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth),
    )
    .toBeGreaterThan(0);
  await page.screenshot({ path: `${DIR}/docs-in-history.png` });
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Open as graph' }).click();
  await expect(notice(page)).toContainText(`This is a task record (task ${task.task_id})`);
  const req = await request(page);
  expect(req.prompt).toBe('a lighthouse from the history list');
  expect(req.image_seed).toBe(11);
  await viewSettled(page);
  await page.screenshot({ path: `${DIR}/docs-in-history-opened.png` });
});
