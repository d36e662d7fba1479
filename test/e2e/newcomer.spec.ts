import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { TEMPLATES } from '../../compiler/authoring/templates.ts';
import { docOf, layout, viewSettled } from './helpers.ts';
import {
  RUN_URL,
  clickRun,
  fillImages,
  openTemplateOnRunServer,
  pngBuffer,
  selectOnCanvas,
  setNumber,
  uploadImage,
  watchRun,
} from './run-helpers.ts';

/**
 * Issue 11, the newcomer's editor: what a first-time user runs into, tried as that user would.
 * Every state is waited for (never slept); screenshots go to test/artifacts/screenshots/newcomer-*.
 */
const DIR = 'test/artifacts/screenshots';
mkdirSync(DIR, { recursive: true });
const shot = async (page: Page, name: string) => {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: `${DIR}/newcomer-${name}.png` });
};

async function prefs(page: Page, lang: 'en' | 'zh' = 'en') {
  await page.addInitScript((l) => {
    if (!localStorage.getItem('fooocus-flow.prefs'))
      localStorage.setItem('fooocus-flow.prefs', JSON.stringify({ lang: l, theme: 'dark' }));
  }, lang);
}

/** Opens a template from the start screen (showing it first when a workflow is open). */
async function openTemplate(page: Page, id: string) {
  if ((await page.locator('.start-screen').count()) === 0)
    await page.locator('.toolbar button').first().click();
  await page.locator(`[data-template="${id}"]`).click();
  await expect(page.locator('.start-screen')).toHaveCount(0);
  await viewSettled(page); // opened and laid out once its sample images are drawn
}

/** The compiler has caught up with the document (the Problems header no longer says "Checking…"). */
async function compiled(page: Page) {
  await expect(page.locator('.problems header .status')).toHaveText('');
}

/** The on-screen boxes of every node, and the pairs that overlap. */
async function overlapsOnScreen(page: Page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((el) => ({
      id: el.dataset.id!,
      r: el.getBoundingClientRect(),
    }));
    const pairs: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.r;
        const b = boxes[j]!.r;
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
          pairs.push(`${boxes[i]!.id} × ${boxes[j]!.id}`);
      }
    return { count: boxes.length, pairs };
  });
}

/** The on-screen size of node title text: its CSS size times the canvas zoom. */
async function nodeTextPx(page: Page) {
  return page.evaluate(() => {
    const vp = document.querySelector<HTMLElement>('.react-flow__viewport')!;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(vp).transform).a;
    const title = document.querySelector<HTMLElement>('.flow-node-title')!;
    return parseFloat(getComputedStyle(title).fontSize) * zoom;
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

test('blank canvas: Run is off and says why; Ctrl+Enter sends nothing', async ({ page }) => {
  await prefs(page);
  await page.goto(RUN_URL);
  await page.locator('[data-template="blank"]').click();
  await compiled(page);
  const run = page.getByTestId('run');
  await expect(run).toBeDisabled();
  await expect(run).toHaveAttribute('data-blocked', /empty/);
  await expect(page.getByTestId('run-empty')).toHaveText(/Nothing to run yet/);
  const before = await (await fetch(`${RUN_URL}/api/__sim/state`)).json();
  await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
  await page.keyboard.press('Control+Enter');
  await expect(page.locator('.run-panel')).toHaveAttribute('data-phase', 'idle');
  const after = await (await fetch(`${RUN_URL}/api/__sim/state`)).json();
  expect(after).toMatchObject({ running: before.running, queued: before.queued });
  await shot(page, 'blank-run-off');
});

test('node search: the node named like the query comes first, Enter adds it', async ({ page }) => {
  await prefs(page);
  await page.goto('/');
  await page.locator('[data-template="blank"]').click();
  const cases: [string, string, string][] = [
    ['mask', 'Mask', 'mask'],
    ['output', 'Output', 'output'],
    ['image prompt', 'Image Prompt', 'imagePrompt'],
    ['蒙版', 'Mask', 'mask'],
    ['prompt', 'Prompt & Settings', 'promptSettings'],
  ];
  for (const [query, title, kind] of cases) {
    await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
    await page.keyboard.press('Space');
    const box = page.locator('.search-dialog input');
    await box.fill(query);
    await expect(page.locator('#search-list [role="option"]').first().locator('.opt-label')).toHaveText(
      title,
    );
    if (query === 'image prompt') await shot(page, 'search-image-prompt');
    const before = (await docOf(page)).nodes.length;
    await box.press('Enter');
    await expect.poll(async () => (await docOf(page)).nodes.length).toBe(before + 1);
    expect((await docOf(page)).nodes.at(-1)!.kind).toBe(kind);
    // Delete it again: the singleton kinds (Output, Prompt & Settings) may be added only once.
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await docOf(page)).nodes.length).toBe(before);
  }
});

test('auto-layout once: no two nodes overlap on any template, and node text stays readable', async ({
  page,
}) => {
  await prefs(page);
  await page.goto('/');
  await expect(page.locator('.start-screen')).toBeVisible();
  await page.evaluate(() =>
    (window as unknown as { __fooocusFlow: { layoutReady(): Promise<boolean> } }).__fooocusFlow.layoutReady(),
  );
  // Only geometry is checked here: should replacing a template ever ask, the answer is yes.
  page.on('dialog', (d) => void d.accept());
  for (const tpl of TEMPLATES) {
    await openTemplate(page, tpl.id);
    await expect(page.locator('.react-flow__node')).toHaveCount(tpl.build().nodes.length);
    await compiled(page);
    await layout(page);
    await compiled(page);
    await viewSettled(page);
    const { count, pairs } = await overlapsOnScreen(page);
    expect(count).toBe(tpl.build().nodes.length);
    expect(pairs, `${tpl.id}: overlapping nodes`).toEqual([]);
    // Fit view never zooms below readable: node text at least ~11 px on screen.
    expect(await nodeTextPx(page), `${tpl.id}: node text px`).toBeGreaterThanOrEqual(10.9);
    await shot(page, `layout-${tpl.id}`);
  }
});

test('uploads: a node that grows with its thumbnail moves the nodes it would cover (one undo step)', async ({
  page,
}) => {
  await prefs(page);
  await page.goto(RUN_URL);
  await page.locator('[data-template="blank"]').click();
  // Two Input Images, laid out one above the other with the usual small gap between them.
  for (let i = 0; i < 2; i++) {
    await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
    await page.keyboard.press('Space');
    await page.locator('.search-dialog input').fill('input image');
    await page.locator('.search-dialog input').press('Enter');
  }
  await layout(page);
  await compiled(page);
  const before = (await docOf(page)).nodes;
  const [top, below] = [...before].sort(
    (a, b) =>
      (a as never as { position: { y: number } }).position.y -
      (b as never as { position: { y: number } }).position.y,
  ) as unknown as { id: string; position: { x: number; y: number } }[];
  expect(top!.position.x).toBe(below!.position.x);
  const gap = await page.evaluate(
    ([a, b]) => {
      const ra = document.querySelector(`.react-flow__node[data-id="${a}"]`)!.getBoundingClientRect();
      const rb = document.querySelector(`.react-flow__node[data-id="${b}"]`)!.getBoundingClientRect();
      return rb.top - ra.bottom;
    },
    [top!.id, below!.id],
  );
  expect(gap).toBeLessThan(60); // the thumbnail makes the top node grow by more than this
  await uploadImage(page, top!.id, await pngBuffer(160, 120, 90));
  await expect(page.locator(`.react-flow__node[data-id="${top!.id}"] img`).first()).toBeVisible();
  await compiled(page);
  await viewSettled(page);
  expect((await overlapsOnScreen(page)).pairs).toEqual([]);
  const moved = (await docOf(page)).nodes.find((n) => n.id === below!.id) as unknown as {
    position: { y: number };
  };
  expect(moved.position.y).toBeGreaterThan(below!.position.y);
  await shot(page, 'after-upload-pushed');
  // The move belongs to the upload: one Ctrl+Z takes the image away and puts the node back.
  await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
  await page.keyboard.press('Control+z');
  await expect
    .poll(async () => {
      const n = (await docOf(page)).nodes.find((x) => x.id === below!.id) as unknown as {
        position: { y: number };
      };
      return n.position.y;
    })
    .toBe(below!.position.y);
  expect((await docOf(page)).nodes.find((x) => x.id === top!.id)!.params.image).toBeFalsy();
});

test('server down: a plain message, Run off with the reason; the address in Settings takes effect', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  await compiled(page);
  await expect(page.getByTestId('run')).toBeEnabled();
  const original = ((await (await fetch(`${RUN_URL}/app/config`)).json()) as { apiOrigin: string }).apiOrigin;
  const dead = `http://127.0.0.1:${await freePort()}`;
  const setAddress = async (url: string) => {
    await page.getByTestId('toolbar-settings').click();
    const field = page.getByTestId('server-address');
    await field.locator('input').fill(url);
    await field.getByRole('button', { name: 'Apply' }).click();
    await expect(page.locator('#set-address')).toHaveValue(url);
  };
  try {
    await setAddress(dead);
    // The app server forwards to the new address at once (its one target), as /app/config says.
    expect(((await (await fetch(`${RUN_URL}/app/config`)).json()) as { apiOrigin: string }).apiOrigin).toBe(
      dead,
    );
    await page.keyboard.press('Escape');
    const down = page.getByTestId('server-down');
    await expect(down).toBeVisible();
    await expect(down).toContainText(`The Fooocus server at ${dead} is not answering`);
    await expect(down).toContainText('Settings');
    await expect(page.locator('.run-panel')).not.toContainText(/HTTP 502|ECONNREFUSED|detail/);
    await expect(page.getByTestId('run')).toBeDisabled();
    await expect(page.getByTestId('run')).toHaveAttribute('data-blocked', /server/);
    await expect(page.locator('.run-panel')).not.toContainText(/Submitt|waiting/i);
    await shot(page, 'server-down');
  } finally {
    await setAddress(original);
  }
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('server-down')).toHaveCount(0);
  await expect(page.getByTestId('run')).toBeEnabled();
  await clickRun(page);
  expect((await watchRun(page)).phase).toBe('done');
});

test('enhance results are captioned by step, and the region that found nothing is named', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'enhance-chain');
  await fillImages(page);
  await clickRun(page);
  expect((await watchRun(page)).phase).toBe('done');
  // The template's regions: face, mouse, eye; the engine detects no "mouse". The result does not say
  // which region gave nothing, so the note names the candidates and each caption what it can be.
  const expected = [
    'Vary (Strong)',
    'Enhance region #1: face or Enhance region #2: mouse',
    'Enhance region #2: mouse or Enhance region #3: eye',
  ];
  await expect(page.getByTestId('run-note')).toContainText(
    '1 Enhance Region detected nothing and was skipped',
  );
  await expect(page.getByTestId('run-note')).toContainText('"mouse"');
  await expect(page.getByTestId('run-image-step')).toHaveText(expected);
  await shot(page, 'enhance-captions-run-panel');
  await page.getByTestId('open-gallery').click();
  const run = page.locator('.gallery-run').first();
  await expect(run.getByTestId('gallery-step-note')).toContainText('"mouse"');
  await expect(run.getByTestId('image-step')).toHaveText(expected);
  await shot(page, 'enhance-captions-gallery');
});

test('gallery: opening a run’s workflow over other work asks first, and Ctrl+Z brings the work back', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  await clickRun(page);
  expect((await watchRun(page)).phase).toBe('done');
  // Other work: a blank canvas with a note on it.
  await openTemplate(page, 'blank');
  await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
  await page.keyboard.press('Space');
  await page.locator('.search-dialog input').fill('note');
  await page.locator('.search-dialog input').press('Enter');
  await expect.poll(async () => (await docOf(page)).nodes.map((n) => n.kind)).toEqual(['note']);

  const openIt = async () => {
    // Cancel leaves the gallery open, where the user was.
    if ((await page.locator('.dialog.gallery').count()) === 0) await page.getByTestId('open-gallery').click();
    await page
      .locator('.gallery-run')
      .first()
      .getByRole('button', { name: 'Open the workflow that made this' })
      .click();
  };
  // Cancel keeps the work.
  await openIt();
  const ask = page.getByRole('alertdialog');
  await expect(ask).toContainText('Replace the open workflow?');
  await shot(page, 'gallery-asks');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toHaveCount(0);
  expect((await docOf(page)).nodes.map((n) => n.kind)).toEqual(['note']);
  // Confirmed: the run's graph; then Ctrl+Z (the keyboard) brings the note back in one step.
  await openIt();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Open it' }).click();
  await expect(page.locator('.dialog.gallery')).toHaveCount(0);
  await expect
    .poll(async () => (await docOf(page)).nodes.map((n) => n.kind).sort())
    .toEqual(['output', 'promptSettings']);
  await viewSettled(page);
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await docOf(page)).nodes.map((n) => n.kind)).toEqual(['note']);
});

test('gallery: "Use as Input Image" places the node clear of the others and wires the one open input', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  await clickRun(page);
  expect((await watchRun(page)).phase).toBe('done');
  // Replacing the run's workflow may ask first (templates ask before replacing unsaved work).
  page.once('dialog', (d) => void d.accept());
  await openTemplate(page, 'vary-image-prompt');
  await fillImages(page);
  // Remove the reference image: the Image Prompt's image input is then the one input waiting for an image.
  const ref = ((await docOf(page)).nodes as { id: string; label?: string }[]).find(
    (n) => n.label === 'Reference',
  )!.id;
  const ip = (await docOf(page)).nodes.find((n) => n.kind === 'imagePrompt')!.id;
  await selectOnCanvas(page, ref);
  await page.keyboard.press('Delete');
  await expect.poll(async () => (await docOf(page)).nodes.length).toBe(5);
  // Nothing selected: the result becomes a new node (a selected Input Image would take it instead).
  await page.keyboard.press('Escape');
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(0);
  const steps = await page.evaluate(
    () =>
      (window as unknown as { __fooocusFlow: { history(): { past: number } } }).__fooocusFlow.history().past,
  );
  await page.getByTestId('open-gallery').click();
  await page.getByTestId('gallery-item').first().click();
  await page.getByTestId('lightbox').getByRole('button', { name: 'Use as Input Image' }).click();
  await expect(page.locator('.dialog.gallery')).toHaveCount(0);
  await expect.poll(async () => (await docOf(page)).nodes.length).toBe(6);
  const doc = (await docOf(page)) as unknown as {
    nodes: { id: string; kind: string }[];
    edges: { source: string; target: string }[];
  };
  const added = doc.nodes.at(-1)!;
  expect(added.kind).toBe('inputImage');
  expect(doc.edges.some((e) => e.source === added.id && e.target === ip)).toBe(true);
  await viewSettled(page);
  expect((await overlapsOnScreen(page)).pairs).toEqual([]);
  await shot(page, 'use-as-input-wired');
  // One step: Ctrl+Z takes the node and its wire away together.
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (await docOf(page)).nodes.length).toBe(5);
  expect(
    await page.evaluate(
      () =>
        (window as unknown as { __fooocusFlow: { history(): { past: number } } }).__fooocusFlow.history()
          .past,
    ),
  ).toBe(steps);
});

test('request view: a random seed is "chosen at Run"; a fixed seed is the one Run sends', async ({
  page,
}) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  const seedLine = page.locator('.request-panel [data-path="image_seed"]');
  await expect(seedLine).toContainText('chosen at Run');
  const ps = (await docOf(page)).nodes.find((n) => n.kind === 'promptSettings')!.id;
  await setNumber(page, ps, 'image_seed', 1234567);
  await expect(seedLine).toContainText('1234567');
  await clickRun(page);
  expect((await watchRun(page)).phase).toBe('done');
  await expect(page.getByTestId('run-seed')).toHaveText('1234567');
});

test('problems: readable in a narrow window; two nodes of one name are numbered by place', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 760 });
  await prefs(page);
  await page.goto('/');
  await expect(page.locator('.start-screen')).toBeVisible();
  await openTemplate(page, 'vary-image-prompt');
  // The template comes with sample images: take them away, so both Input Images have a problem.
  for (const n of (await docOf(page)).nodes.filter((x) => x.kind === 'inputImage')) {
    await selectOnCanvas(page, n.id);
    await page.locator(`.react-flow__node[data-id="${n.id}"]`).getByRole('button', { name: 'Clear' }).click();
  }
  await compiled(page);
  // Both Input Images have no image now: two problems, told apart by their labels.
  const where = page.locator('.problems .problem .where');
  const names = await where.allTextContents();
  expect(names.filter((n) => /^Reference$|^Image to vary$/.test(n)).length).toBeGreaterThan(0);
  // Take both labels away: two nodes called "Input Image", both without an image.
  for (const n of (await docOf(page)).nodes.filter((x) => x.kind === 'inputImage')) {
    await selectOnCanvas(page, n.id);
    await page.locator(`#label-${n.id}`).fill('');
  }
  await compiled(page);
  await expect(where.filter({ hasText: /^Input Image 1$/ }).first()).toBeVisible();
  await expect(where.filter({ hasText: /^Input Image 2$/ }).first()).toBeVisible();
  await expect(page.locator('.flow-node-title', { hasText: /^Input Image 1$/ })).toHaveCount(1);
  // A fix button wraps under its message instead of squeezing it; nothing sticks out of the panel.
  // Nothing sticks out of the narrow panel and no message is squeezed (a fix button, when there is one, wraps under).
  const panel = page.locator('.problems');
  const bad = await panel.evaluate((el) => {
    const p = el.getBoundingClientRect();
    const out: string[] = [];
    if (el.scrollWidth > el.clientWidth + 1)
      out.push(`panel scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
    for (const li of el.querySelectorAll<HTMLElement>('.problem')) {
      const fix = li.querySelector('.fix')?.getBoundingClientRect();
      const msg = li.querySelector('.msg')!.getBoundingClientRect();
      if (fix && fix.right > p.right + 1) out.push(`fix sticks out by ${fix.right - p.right}px`);
      if (msg.width < 120) out.push(`message squeezed to ${msg.width}px`);
    }
    return out;
  });
  expect(bad).toEqual([]);
  await shot(page, 'problems-narrow');
});
