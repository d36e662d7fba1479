import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { bombPng, dataUrl, inpaintWorkflow } from '../hardening/bomb-images.ts';
import {
  docOf,
  dropCanvasFiles,
  dropNodeFiles,
  fromFileMenu,
  openBlank,
  openVaryTemplate,
  viewSettled,
  type HookWindow,
} from './helpers.ts';

/**
 * Hostile input in the editor (issue 10): a decompression bomb (a small PNG whose header says
 * 16000×16000) is refused by its header — on the node it was picked for, or in a notice when
 * dropped or embedded in a shared file — and never decoded; a file that cannot be opened leaves the
 * open workflow exactly as it was.
 *
 * "Never decoded" is measured, not assumed: the image worker's script is served with a log around
 * the browser's decoders — the byte size of each blob given to createImageBitmap, and -1 for each
 * ImageDecoder (used for JPEGs only) — read back from every worker.
 */
const LOG_DECODES = `
self.__decoded = [];
{
  const bitmap = self.createImageBitmap.bind(self);
  self.createImageBitmap = (src, ...a) => {
    self.__decoded.push(src instanceof Blob ? src.size : 0);
    return bitmap(src, ...a);
  };
  if (typeof self.ImageDecoder !== 'undefined') {
    const Decoder = self.ImageDecoder;
    self.ImageDecoder = class extends Decoder {
      decode(...a) { self.__decoded.push(-1); return super.decode(...a); }
    };
  }
}
`;

async function logWorkerDecodes(page: Page): Promise<void> {
  await page.route(/\/asset-worker[^/]*\.js(\?.*)?$/, async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, body: LOG_DECODES + (await res.text()) });
  });
}

/** What every image worker of the page has decoded so far (blob sizes). */
async function decoded(page: Page): Promise<number[]> {
  const logs = await Promise.all(
    page
      .workers()
      .map((w) => w.evaluate(() => (self as unknown as { __decoded?: number[] }).__decoded ?? null)),
  );
  expect(logs.length, 'an image worker is running').toBeGreaterThan(0);
  expect(
    logs.every((l) => l !== null),
    'every image worker carries the decode log',
  ).toBe(true);
  return logs.flatMap((l) => l!);
}

const history = (page: Page) =>
  page.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.history());

type AssetDoc = {
  nodes: { id: string; kind: string; params: Record<string, unknown> }[];
  assets: Record<string, unknown>;
};
const fullDoc = (page: Page) => docOf(page) as Promise<unknown> as Promise<AssetDoc>;

const nodeOf = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

/** What the user reads about a bomb: its size, the budget, that it was not decoded, what to do. */
const BUDGET_TEXT =
  /16000×16000 \(256 Mpx\), more than the 67 Mpx, e\.g\. 8192×8192 .*It was not decoded\. Scale it down/;

test('a decompression bomb picked on an Input Image node is refused on the node, undecoded; the workflow is untouched', async ({
  page,
}) => {
  await logWorkerDecodes(page);
  const img = await openVaryTemplate(page);

  // The counter works: a real PNG picked on the node is decoded (for its thumbnail).
  const real = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a6' } })
    .png()
    .toBuffer();
  const input = nodeOf(page, img).locator('input[type=file]');
  await input.setInputFiles({ name: 'real.png', mimeType: 'image/png', buffer: real });
  await expect(nodeOf(page, img).locator('img.thumb')).toHaveAttribute('data-asset', /.+/);
  await expect
    .poll(() => fullDoc(page).then((d) => d.nodes.find((n) => n.id === img)!.params.width))
    .toBe(640);
  await viewSettled(page);
  const decodedBefore = await decoded(page);
  expect(decodedBefore).toContain(real.length);

  const before = await fullDoc(page);
  const historyBefore = await history(page);
  const bomb = bombPng(16000, 21);
  expect(bomb.length).toBeLessThan(100_000); // tiny on disk, 1 GB as RGBA
  await input.setInputFiles({ name: 'bomb.png', mimeType: 'image/png', buffer: bomb });

  const refusal = nodeOf(page, img).locator('.image-refused[role=alert]');
  await expect(refusal).toContainText('“bomb.png” was refused: too many pixels');
  await expect(refusal).toContainText(BUDGET_TEXT);
  expect(await decoded(page)).not.toContain(bomb.length);
  // The node keeps its image, the document and its undo history are exactly as they were.
  expect(await fullDoc(page)).toEqual(before);
  expect(await history(page)).toEqual(historyBefore);
  await expect(nodeOf(page, img).locator('img.thumb')).toHaveAttribute(
    'data-asset',
    String(before.nodes.find((n) => n.id === img)!.params.image).replace('asset:', ''),
  );

  // The refusal stays until dismissed (or the next pick), not for a few seconds.
  await refusal.getByRole('button', { name: 'Close' }).click();
  await expect(refusal).toHaveCount(0);

  // Dropped on the canvas: no node is added, a notice names the file and the budget.
  const dropped = bombPng(16000, 22);
  await dropCanvasFiles(
    page,
    [{ name: 'dropped-bomb.png', type: 'image/png', base64: dropped.toString('base64') }],
    {
      x: 200,
      y: 150,
    },
  );
  const notice = page.locator('.toast.error').filter({ hasText: '“dropped-bomb.png” was refused' });
  await expect(notice).toContainText(BUDGET_TEXT);
  expect(await decoded(page)).not.toContain(dropped.length);
  expect(await fullDoc(page)).toEqual(before);
  expect(await history(page)).toEqual(historyBefore);

  // Dropped on the Input Image node itself: it goes to that node, as picking it there does, so the
  // refusal is said on the node (not in a notice); not decoded, the node keeps its image.
  const onNode = bombPng(16000, 25);
  await dropNodeFiles(page, img, [
    { name: 'node-bomb.png', type: 'image/png', base64: onNode.toString('base64') },
  ]);
  await expect(refusal).toContainText('“node-bomb.png” was refused: too many pixels');
  await expect(refusal).toContainText(BUDGET_TEXT);
  await expect(page.locator('.toast').filter({ hasText: 'node-bomb.png' })).toHaveCount(0);
  expect(await decoded(page)).not.toContain(onNode.length);
  expect(await fullDoc(page)).toEqual(before);
  expect(await history(page)).toEqual(historyBefore);
  await expect(page.locator('.flow-node[data-kind="inputImage"]')).toHaveCount(
    before.nodes.filter((n) => n.kind === 'inputImage').length,
  );
});

test('a shared workflow with bombs embedded opens without decoding them, and says why their images are missing', async ({
  page,
}) => {
  await logWorkerDecodes(page);
  await openBlank(page);
  const small = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } })
    .png()
    .toBuffer();
  const bombs = [bombPng(16000, 23), bombPng(16000, 24)];
  const text = inpaintWorkflow({
    photo: dataUrl(bombs[0]!),
    mask: dataUrl(bombs[1]!),
    prompt: dataUrl(small),
  });
  const chooser = page.waitForEvent('filechooser');
  await fromFileMenu(page, 'Open…');
  await (
    await chooser
  ).setFiles({ name: 'shared.json', mimeType: 'application/json', buffer: Buffer.from(text) });

  const notice = page.locator('.toast.error').filter({ hasText: '2 image(s) in “shared.json” were refused' });
  await expect(notice).toContainText(BUDGET_TEXT);
  // The small image is stored and decoded for its thumbnail; the two bombs never are.
  await expect(nodeOf(page, 'inputImage-2').locator('img.thumb')).toHaveAttribute('data-asset', /.+/);
  const log = await decoded(page);
  expect(log).toContain(small.length);
  for (const b of bombs) expect(log).not.toContain(b.length);
  for (const id of ['inputImage-1', 'mask-1'])
    await expect(nodeOf(page, id).locator('[data-asset-missing]')).toBeVisible();
  // Not reported as a file saved without images.
  await expect(page.locator('.toast').filter({ hasText: 'saved without images' })).toHaveCount(0);
});

test('a hostile workflow file that cannot be opened leaves the open workflow untouched', async ({ page }) => {
  await openVaryTemplate(page);
  const before = await fullDoc(page);
  const historyBefore = await history(page);

  const open = async (name: string, body: string) => {
    const chooser = page.waitForEvent('filechooser');
    await fromFileMenu(page, 'Open…');
    await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(body) });
    return page.getByRole('alertdialog');
  };
  const close = async () => {
    await page.keyboard.press('Escape');
    await expect(page.getByRole('alertdialog')).toHaveCount(0);
  };

  // A dense list of a million items: refused by its length, before any node is checked.
  let dialog = await open(
    'million.json',
    `{"format":"fooocus-flow/workflow","version":2,"nodes":[${'1,'.repeat(999_999)}1],"edges":[]}`,
  );
  await expect(dialog).toContainText('Could not open “million.json”');
  await expect(dialog.locator('.json-path')).toHaveText('nodes');
  await expect(dialog).toContainText('has 1,000,000 items; at most 5,000 are accepted');
  await expect(dialog).toContainText('Your open workflow was not changed.');
  expect(await fullDoc(page)).toEqual(before);
  await close();

  // Markup and control characters in a hostile file are shown as text; the JSON path says where.
  const hostile = JSON.parse(JSON.stringify(before)) as AssetDoc;
  hostile.nodes[0]!.kind = '<img src=x onerror="document.title=\'pwned\'">\u001b[2J';
  const name = '<img src=x onerror=alert(1)>.json';
  dialog = await open(name, JSON.stringify(hostile));
  await expect(dialog).toContainText(`Could not open “${name}”`);
  await expect(dialog.locator('.json-path').first()).toContainText('nodes[0].kind');
  expect(await dialog.locator('img').count()).toBe(0);
  expect(await page.title()).not.toBe('pwned');
  expect(await fullDoc(page)).toEqual(before);
  await close();

  // Not JSON: line and column, never the file's bytes.
  dialog = await open('truncated.json', '{"format": "fooocus-flow/workflow",\n  "nodes": [\u001b');
  await expect(dialog).toContainText(/line 2, column \d+/);
  expect(await dialog.innerText()).not.toContain('\u001b');
  expect(await fullDoc(page)).toEqual(before);
  expect(await history(page)).toEqual(historyBefore);
});
