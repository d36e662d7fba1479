import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import {
  docOf,
  dropCanvasFiles,
  fromFileMenu,
  layout,
  openBlank,
  openVaryTemplate,
  type HookWindow,
} from './helpers.ts';

/**
 * Images as assets in the editor: a real JPEG is stored once (IndexedDB, by hash), the document
 * holds `asset:<hash>`, nodes show a small thumbnail, and the image survives undo/redo, reload,
 * Save → Open in a fresh browser; a missing image is reported on its node.
 */
const DIR = 'test/artifacts/screenshots';
const W = 1600;
const H = 1200;

/** A real photo-like JPEG: gradients plus grain, seeded. */
async function jpeg(seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(W * H * 3);
  let s = seed;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const n = ((s >>> 16) & 63) - 32;
      const i = (y * W + x) * 3;
      raw[i] = Math.max(0, Math.min(255, (x * 200) / W + 30 + n));
      raw[i + 1] = Math.max(0, Math.min(255, (y * 180) / H + 40 + n));
      raw[i + 2] = Math.max(0, Math.min(255, 128 + 100 * Math.sin((x + y) / 200) + n));
    }
  return sharp(raw, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type AssetDoc = {
  version: number;
  nodes: { id: string; kind: string; params: Record<string, unknown> }[];
  assets: Record<string, { type: string; width: number; height: number; bytes: number; data?: string }>;
};
const fullDoc = (page: Page) => docOf(page) as Promise<unknown> as Promise<AssetDoc>;

const thumbOf = (page: Page, nodeId: string) =>
  page.locator(`.react-flow__node[data-id="${nodeId}"] img.thumb`);

async function expectThumb(page: Page, nodeId: string, hash: string): Promise<void> {
  const img = thumbOf(page, nodeId);
  await expect(img).toHaveAttribute('data-asset', hash);
  // The node shows the stored thumbnail (at most 320 px), never the full photo.
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(320);
  expect(await img.evaluate((el: HTMLImageElement) => el.naturalHeight)).toBe(240);
  expect(await img.getAttribute('src')).toMatch(/^blob:/);
}

async function upload(page: Page, nodeId: string, photo: Buffer): Promise<void> {
  await page
    .locator(`.react-flow__node[data-id="${nodeId}"] input[type=file]`)
    .setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo });
}

test('a real JPEG becomes an asset: thumbnail on the node, reference in the document, size in the request view', async ({
  page,
}) => {
  const photo = await jpeg(7);
  const hash = sha256(photo);
  const img = await openVaryTemplate(page);
  await upload(page, img, photo);
  await expectThumb(page, img, hash);
  const doc = await fullDoc(page);
  expect(doc.nodes.find((n) => n.id === img)!.params).toMatchObject({
    image: `asset:${hash}`,
    width: W,
    height: H,
  });
  expect(doc.assets[hash]).toEqual({ type: 'image/jpeg', width: W, height: H, bytes: photo.length });
  // The document stays small: no base64 anywhere in it.
  expect(JSON.stringify(doc).length).toBeLessThan(20_000);
  const kb = Math.round(photo.length / 1024);
  await expect(page.locator('.request-panel [data-path="uov_input_image"]')).toContainText(
    `<image ${W}×${H} JPEG, ${kb} KB>`,
  );
  mkdirSync(DIR, { recursive: true });
  await layout(page);
  await page.evaluate(() => document.fonts.ready);
  await page
    .locator(`.react-flow__node[data-id="${img}"]`)
    .screenshot({ path: `${DIR}/input-image-photo.png` });
});

test('undo, redo and a reload keep the image', async ({ page }) => {
  const photo = await jpeg(11);
  const hash = sha256(photo);
  const img = await openVaryTemplate(page);
  await upload(page, img, photo);
  await expectThumb(page, img, hash);
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  // Undo goes back to the template's drawn sample image (app/samples/), not to the photo.
  await expect(thumbOf(page, img)).toHaveAttribute('data-asset', /^[0-9a-f]{64}$/);
  await expect(thumbOf(page, img)).not.toHaveAttribute('data-asset', hash);
  await page.keyboard.press('Control+Shift+z');
  await expectThumb(page, img, hash);
  await page.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.flushAutosave());
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await page.reload();
  await expect(page.locator('.start-screen')).toHaveCount(0);
  await expectThumb(page, img, hash);
});

test('Save with images → Open in a fresh browser restores the photo; saved without images it is reported missing', async ({
  page,
  browser,
}) => {
  const photo = await jpeg(13);
  const hash = sha256(photo);
  const img = await openVaryTemplate(page);
  await upload(page, img, photo);
  await expectThumb(page, img, hash);

  const [withImages] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')]);
  const fileText = readFileSync((await withImages.path())!, 'utf8');
  const file = JSON.parse(fileText) as AssetDoc;
  expect(file.version).toBe(2);
  expect(Buffer.from(file.assets[hash]!.data!, 'base64').equals(photo)).toBe(true);

  const [withoutImages] = await Promise.all([
    page.waitForEvent('download'),
    fromFileMenu(page, 'Save without images'),
  ]);
  const template = readFileSync((await withoutImages.path())!, 'utf8');
  expect(JSON.parse(template).assets[hash]).toEqual({
    type: 'image/jpeg',
    width: W,
    height: H,
    bytes: photo.length,
  });
  expect(template.length).toBeLessThan(20_000);

  // A fresh context: empty IndexedDB, so the photo can only come from the file.
  const ctx = await browser.newContext();
  const fresh = await ctx.newPage();
  await openBlank(fresh);
  const open = async (name: string, text: string) => {
    const chooser = fresh.waitForEvent('filechooser');
    await fromFileMenu(fresh, 'Open…');
    await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  };
  await open('template.json', template);
  const missing = fresh.locator(`.react-flow__node[data-id="${img}"] [data-asset-missing="${hash}"]`);
  await expect(missing).toBeVisible();
  await expect(missing).toContainText('Image missing');
  await open('photo.json', fileText);
  await expectThumb(fresh, img, hash);
  await ctx.close();
});

test('a deleted asset store shows a missing image on its node, not a crash', async ({ page }) => {
  const photo = await jpeg(17);
  const hash = sha256(photo);
  const img = await openVaryTemplate(page);
  await upload(page, img, photo);
  await expectThumb(page, img, hash);
  await page.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.flushAutosave());
  // The browser's storage of images is cleared (site data, another tool): the draft stays.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('fooocus-flow');
        req.onsuccess = () => {
          const tx = req.result.transaction('assets', 'readwrite');
          tx.objectStore('assets').clear();
          tx.oncomplete = () => {
            req.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  await page.reload();
  const node = page.locator(`.react-flow__node[data-id="${img}"]`);
  await expect(node.locator(`[data-asset-missing="${hash}"]`)).toBeVisible();
  // The pixel check reports it as this node's problem, with what to do.
  await expect(page.locator('.problems')).toContainText('is not stored here');
  mkdirSync(DIR, { recursive: true });
  await layout(page);
  await page.evaluate(() => document.fonts.ready);
  await node.screenshot({ path: `${DIR}/input-image-missing.png` });
});

test('a draft autosaved before images were assets (inline data URL) is migrated on restore', async ({
  page,
}) => {
  const photo = await jpeg(19);
  const hash = sha256(photo);
  const img = await openVaryTemplate(page);
  const v1 = (await fullDoc(page)) as AssetDoc & Record<string, unknown>;
  delete (v1 as { assets?: unknown }).assets;
  v1.version = 1;
  // A version-1 draft knew no assets: the template's drawn samples (app/samples/) were not there either.
  for (const n of v1.nodes) if (n.id !== img && 'image' in n.params) n.params.image = '';
  v1.nodes.find((n) => n.id === img)!.params.image = `data:image/jpeg;base64,${photo.toString('base64')}`;
  await page.evaluate(
    (doc) =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('fooocus-flow');
        req.onsuccess = () => {
          const tx = req.result.transaction('kv', 'readwrite');
          tx.objectStore('kv').put({ doc, rev: 1000, tabId: 'old-editor', savedAt: Date.now() }, 'draft');
          tx.oncomplete = () => {
            req.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    v1,
  );
  await page.reload();
  await expectThumb(page, img, hash);
  const doc = await fullDoc(page);
  expect(doc.nodes.find((n) => n.id === img)!.params.image).toBe(`asset:${hash}`);
});

test('a copied photo node pastes with its image in another tab; in another browser the image is reported missing', async ({
  page,
  context,
  browser,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const photo = await jpeg(23);
  const hash = sha256(photo);
  const img = await openVaryTemplate(page);
  await upload(page, img, photo);
  await expectThumb(page, img, hash);
  await page.locator(`.react-flow__node[data-id="${img}"] .flow-node-header`).click();
  await page.keyboard.press('Control+c');
  const text = await page.evaluate(() => navigator.clipboard.readText());
  // The snippet carries the reference, never the bytes.
  expect(text).toContain(`asset:${hash}`);
  expect(text.length).toBeLessThan(5_000);

  // Another tab of the same browser: the image is found in IndexedDB.
  const other = await context.newPage();
  await other.goto('/');
  // This tab restores the other's draft: start it on a blank canvas.
  await expect(other.locator('.react-flow__node')).toHaveCount(6);
  await other.getByRole('button', { name: 'New' }).click();
  // The restored draft was never saved: replacing it asks first.
  other.once('dialog', (d) => void d.accept());
  await other.locator('[data-template="blank"]').click();
  await expect(other.locator('.react-flow__node')).toHaveCount(0);
  await other.evaluate((t) => navigator.clipboard.writeText(t), text);
  await other.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await other.keyboard.press('Control+v');
  const pasted = other.locator(`.react-flow__node img.thumb[data-asset="${hash}"]`);
  await expect(pasted).toBeVisible();
  await expect
    .poll(async () => (await fullDoc(other)).assets[hash])
    .toEqual({ type: 'image/jpeg', width: W, height: H, bytes: photo.length });

  // Another browser (fresh storage): pasted, and told which images to pick again.
  const ctx = await browser.newContext();
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write']);
  const far = await ctx.newPage();
  await openBlank(far);
  await far.evaluate((t) => navigator.clipboard.writeText(t), text);
  await far.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await far.keyboard.press('Control+v');
  await expect(far.locator(`.react-flow__node [data-asset-missing="${hash}"]`)).toBeVisible();
  await expect(far.getByText('not in this browser’s storage: pick them again')).toBeVisible();
  await ctx.close();
});

/**
 * The image workers' SHA-256 held until the test lets it go (the worker script is served with the
 * hold in front of it): what the editor shows while photos are hashed is then a state to wait for,
 * not a race.
 */
const HOLD_HASHES = `
{
  const digest = crypto.subtle.digest.bind(crypto.subtle);
  const held = [];
  self.__hashesHeld = () => held.length;
  self.__releaseHashes = () => { self.__free = true; while (held.length) held.shift()(); };
  crypto.subtle.digest = (...a) =>
    self.__free ? digest(...a) : new Promise((resolve) => held.push(() => resolve(digest(...a))));
}
`;

async function holdWorkerHashes(page: Page): Promise<void> {
  await page.route(/\/asset-worker[^/]*\.js(\?.*)?$/, async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, body: HOLD_HASHES + (await res.text()) });
  });
}

/** Hashes waiting in every image worker of the page (each worker holds at most its one job's). */
const hashesHeld = (page: Page) =>
  Promise.all(
    page
      .workers()
      .map((w) => w.evaluate(() => (self as unknown as { __hashesHeld(): number }).__hashesHeld())),
  ).then((n) => n.reduce((a, b) => a + b, 0));

const releaseWorkerHashes = (page: Page) =>
  Promise.all(
    page
      .workers()
      .map((w) => w.evaluate(() => (self as unknown as { __releaseHashes(): void }).__releaseHashes())),
  );

const history = (page: Page) =>
  page.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.history());

test('photos dropped on the canvas get their Input Image nodes at once, thumbnails before their hashes, and one undo step', async ({
  page,
}) => {
  await holdWorkerHashes(page);
  await openBlank(page);
  const photos = await Promise.all([1, 2, 3].map((s) => jpeg(100 + s)));
  const hashes = photos.map(sha256);
  const historyBefore = await history(page);
  await dropCanvasFiles(
    page,
    photos.map((p, i) => ({ name: `photo-${i}.jpg`, type: 'image/jpeg', base64: p.toString('base64') })),
    { x: 200, y: 150 },
  );

  // While no hash is known: a node for each photo already, the first two (one per worker) showing
  // the thumbnail drawn from their files, the third waiting its turn in the queue.
  await expect.poll(() => hashesHeld(page)).toBe(2);
  const dropped = page.locator('.flow-node[data-kind="inputImage"]');
  await expect(dropped).toHaveCount(3);
  for (const name of ['photo-0.jpg', 'photo-1.jpg'])
    await expect(page.locator(`.react-flow__node img.thumb[data-chosen="${name}"]`)).toBeVisible();
  await expect(page.locator('.react-flow__node [data-incoming="photo-2.jpg"]')).toHaveText('Loading…');
  let doc = await fullDoc(page);
  expect(doc.nodes.filter((n) => n.kind === 'inputImage').map((n) => n.params.image)).toEqual(['', '', '']);
  expect((await history(page)).past).toBe(historyBefore.past + 1);

  await releaseWorkerHashes(page);
  for (const h of hashes)
    await expect(page.locator(`.react-flow__node img.thumb[data-asset="${h}"]`)).toBeVisible();
  doc = await fullDoc(page);
  const images = doc.nodes.filter((n) => n.kind === 'inputImage').map((n) => n.params.image);
  expect(images.sort()).toEqual(hashes.map((h) => `asset:${h}`).sort());
  expect(Object.keys(doc.assets).sort()).toEqual([...hashes].sort());
  // The stored images joined the drop's step: still one step for the whole drop.
  expect((await history(page)).past).toBe(historyBefore.past + 1);

  // One undo removes every dropped node; redo brings them back with their images.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  await expect(dropped).toHaveCount(0);
  expect(Object.keys((await fullDoc(page)).assets)).toEqual([]);
  await page.keyboard.press('Control+Shift+z');
  for (const h of hashes)
    await expect(page.locator(`.react-flow__node img.thumb[data-asset="${h}"]`)).toBeVisible();
  expect(
    (await fullDoc(page)).nodes
      .filter((n) => n.kind === 'inputImage')
      .map((n) => n.params.image)
      .sort(),
  ).toEqual(images);
});

test('a dropped file that is no image gets no node: a notice names it and says what to do', async ({
  page,
}) => {
  await openBlank(page);
  const photo = await jpeg(104);
  const historyBefore = await history(page);
  await dropCanvasFiles(
    page,
    [
      {
        name: 'notes.pdf',
        type: 'application/pdf',
        base64: Buffer.from('%PDF-1.4 not a photo').toString('base64'),
      },
      { name: 'photo.jpg', type: 'image/jpeg', base64: photo.toString('base64') },
      { name: 'fake.jpg', type: 'image/jpeg', base64: Buffer.from('just text').toString('base64') },
    ],
    { x: 200, y: 150 },
  );
  for (const name of ['notes.pdf', 'fake.jpg'])
    await expect(
      page.locator('.toast.error').filter({ hasText: `“${name}” could not be read as an image` }),
    ).toContainText('Save or export it as JPEG or PNG and try again');
  // Only the photo has a node.
  await expect(page.locator(`.react-flow__node img.thumb[data-asset="${sha256(photo)}"]`)).toBeVisible();
  await expect(page.locator('.flow-node[data-kind="inputImage"]')).toHaveCount(1);
  expect((await history(page)).past).toBe(historyBefore.past + 1);
});

test('a JPEG with EXIF orientation 6 shows its thumbnail as stored, as Fooocus reads it (not turned as a photo viewer would)', async ({
  page,
}) => {
  // Stored 1600×1200: left half red, right half blue. Orientation 6 tells a viewer to turn it a
  // quarter clockwise (1200×1600, red on top); FooocusAPI ignores the tag and reads it as stored.
  const raw = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) raw[(y * W + x) * 3 + (x < W / 2 ? 0 : 2)] = 255;
  const photo = await sharp(raw, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: 95 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  expect((await sharp(photo).metadata()).orientation).toBe(6);
  const hash = sha256(photo);
  const img = await openVaryTemplate(page);
  await upload(page, img, photo);
  // 320×240: the stored aspect, not the viewer's 240×320.
  await expectThumb(page, img, hash);
  const colours = await thumbOf(page, img).evaluate((el: HTMLImageElement) => {
    const c = document.createElement('canvas');
    c.width = el.naturalWidth;
    c.height = el.naturalHeight;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(el, 0, 0);
    const at = (x: number, y: number) => {
      const d = ctx.getImageData(x, y, 1, 1).data;
      return d[0]! > 200 && d[2]! < 60
        ? 'red'
        : d[2]! > 200 && d[0]! < 60
          ? 'blue'
          : `rgb(${d[0]},${d[1]},${d[2]})`;
    };
    // Stored: red on the left, blue on the right, from top to bottom. Turned: red above blue.
    return [at(20, 20), at(300, 20), at(20, 220), at(300, 220)];
  });
  expect(colours).toEqual(['red', 'blue', 'red', 'blue']);
  // The node says what a photo viewer would show instead.
  await expect(page.locator(`.react-flow__node[data-id="${img}"]`)).toContainText(/EXIF|rotat|turn/i);
});
