import { expect, test, type Page } from '@playwright/test';
import {
  dragFromPalette,
  docOf,
  fromFileMenu,
  handle,
  layout,
  openBlank,
  selectNode,
  viewSettled,
  wire,
  type HookWindow,
} from './helpers.ts';

const history = (page: import('@playwright/test').Page) =>
  page.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.history());

test('undo and redo walk back and forth through a build exactly, one step per action', async ({ page }) => {
  await openBlank(page);
  const snapshots = [await docOf(page)];
  const base = (await history(page)).past; // "New → Blank canvas" is itself an undoable step
  const step = async (action: () => Promise<unknown>) => {
    await action();
    snapshots.push(await docOf(page));
    expect((await history(page)).past, 'each user action is exactly one undo step').toBe(
      base + snapshots.length - 1,
    );
  };
  let img = '';
  let vary = '';
  let out = '';
  await step(async () => (img = await dropOnly(page, 'inputImage')));
  await step(() => layout(page));
  await step(async () => (vary = await dropOnly(page, 'vary')));
  await step(() => layout(page));
  await step(async () => (out = await dropOnly(page, 'output')));
  await step(() => layout(page));
  await step(() => wire(page, img, 'image', vary, 'image'));
  await step(() => wire(page, vary, 'image', out, 'image'));
  await step(() => layout(page));
  // Selecting a node is not a step; a typing burst in one field is one step.
  await page.locator(`.react-flow__node[data-id="${vary}"] .flow-node-header`).click();
  expect((await history(page)).past).toBe(base + snapshots.length - 1);
  await step(async () => {
    const label = page.locator(`#label-${vary}`);
    await label.click();
    await label.pressSequentially('Strong pass');
    await label.blur();
  });
  await step(() => page.locator(`#i-${vary}-method`).selectOption('Vary (Strong)'));
  // Dragging a node is one step however many frames it takes.
  await step(async () => {
    await viewSettled(page);
    const box = (await page.locator(`.react-flow__node[data-id="${out}"] .flow-node-header`).boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + 90, box.y + 80, { steps: 12 });
    await page.mouse.up();
  });
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } }); // deselect: not a step

  const n = snapshots.length - 1;
  expect((await history(page)).past).toBe(base + n);
  for (let i = n - 1; i >= 0; i--) {
    await page.keyboard.press('Control+z');
    expect(await docOf(page), `after undo back to step ${i}`).toEqual(snapshots[i]);
  }
  for (let i = 1; i <= n; i++) {
    await page.keyboard.press('Control+Shift+z');
    expect(await docOf(page), `after redo to step ${i}`).toEqual(snapshots[i]);
  }
});

/** A palette drop without the helper's auto-layout (one action). */
async function dropOnly(page: import('@playwright/test').Page, kind: string): Promise<string> {
  const before = new Set((await docOf(page)).nodes.map((n) => n.id));
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  await page.locator(`.palette-item[data-kind="${kind}"]`).dragTo(page.locator('.react-flow__pane'), {
    targetPosition: { x: pane.width - 40, y: 40 + before.size * 60 },
  });
  return (await docOf(page)).nodes.find((x) => !before.has(x.id))!.id;
}

test('text fields keep their own undo while focused', async ({ page }) => {
  await openBlank(page);
  const s = await dragFromPalette(page, 'promptSettings');
  const prompt = page.locator(`#n-${s}-prompt`);
  await prompt.click();
  await prompt.pressSequentially('abc');
  const before = await history(page);
  await page.keyboard.press('Control+z');
  // The browser undid typing inside the field; the editor's own undo did not run.
  await expect(prompt).not.toHaveValue('abc');
  expect((await history(page)).future).toBe(before.future);
  expect((await docOf(page)).nodes).toHaveLength(1);
});

test('an invalid workflow file is refused with its JSON path and the open graph is untouched', async ({
  page,
}) => {
  await openBlank(page);
  await page.getByRole('button', { name: 'New' }).click();
  await page.locator('[data-template="vary-image-prompt"]').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(6);
  const before = await docOf(page);
  const bad = JSON.parse(JSON.stringify(before)) as {
    nodes: { kind: string; params: Record<string, unknown> }[];
  };
  const ipIndex = bad.nodes.findIndex((n) => n.kind === 'imagePrompt');
  bad.nodes[ipIndex]!.params.cn_stop = 7;
  const chooser = page.waitForEvent('filechooser');
  await fromFileMenu(page, 'Open…');
  await (
    await chooser
  ).setFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('Could not open “broken.json”');
  await expect(dialog.locator('.json-path')).toContainText(`nodes[${ipIndex}].params.cn_stop`);
  await expect(dialog).toContainText('Your open workflow was not changed.');
  expect(await docOf(page)).toEqual(before);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // Not JSON at all: the reason says where.
  const chooser2 = page.waitForEvent('filechooser');
  await fromFileMenu(page, 'Open…');
  await (
    await chooser2
  ).setFiles({ name: 'junk.json', mimeType: 'application/json', buffer: Buffer.from('{"format": ') });
  await expect(page.getByRole('alertdialog')).toContainText('not valid JSON');
  expect(await docOf(page)).toEqual(before);
});

test('reload restores the autosaved workflow', async ({ page }) => {
  await openBlank(page);
  await page.getByRole('button', { name: 'New' }).click();
  await page.locator('[data-template="enhance-chain"]').click();
  await viewSettled(page); // the template is laid out once its sample images are in
  const name = page.getByRole('textbox', { name: 'Workflow name' }).first();
  await name.fill('My portrait fixer');
  await name.blur();
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  const before = await docOf(page);
  await page.reload();
  await expect(page.locator('.react-flow__node')).toHaveCount(before.nodes.length);
  await expect(page.locator('.start-screen')).toHaveCount(0);
  expect(await docOf(page)).toEqual(before);
});

test('two tabs: a clean tab follows the other; edits in both ask which version to keep', async ({
  context,
}) => {
  const nameBox = (p: Page) => p.getByRole('textbox', { name: 'Workflow name' }).first();
  const rename = async (p: Page, name: string) => {
    await nameBox(p).fill(name);
    await nameBox(p).blur();
  };
  const flush = (p: Page) =>
    p.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.flushAutosave());
  const a = await context.newPage();
  await openBlank(a);
  await rename(a, 'Tab A');
  await flush(a);
  const b = await context.newPage();
  await b.goto('/');
  await expect(nameBox(b)).toHaveValue('Tab A'); // the second tab opens the saved work

  // B has nothing unsaved, so it follows A's next save.
  await rename(a, 'Tab A, later');
  await flush(a);
  await expect(nameBox(b)).toHaveValue('Tab A, later');

  // Both change the workflow before either has saved: whichever saves second must not overwrite the
  // other silently. It pauses autosave and asks; the other tab is untouched.
  const banner = (p: Page) => p.locator('.conflict-banner');
  const conflicted = async (): Promise<[Page, Page]> => {
    await expect.poll(async () => (await banner(a).count()) + (await banner(b).count())).toBe(1);
    return (await banner(a).count()) ? [a, b] : [b, a];
  };
  // Autosave waits for the flush in both tabs, so both edits exist before either is saved however
  // slow the machine.
  const hold = (p: Page) =>
    p.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.holdAutosave(true));
  await hold(a);
  await hold(b);
  await rename(a, 'A edits');
  await rename(b, 'B edits');
  await Promise.all([flush(a), flush(b)]);
  let [asked, other] = await conflicted();
  await expect(banner(asked)).toContainText('another tab');
  await expect(asked.getByTestId('save-status')).toHaveAttribute('data-status', 'paused');
  const mine = await nameBox(asked).inputValue();
  const theirs = await nameBox(other).inputValue();
  expect(mine).not.toBe(theirs);

  // "Keep this tab's version" overwrites the save; the other tab, with nothing unsaved, follows it.
  await asked.getByRole('button', { name: /Keep this tab/ }).click();
  await expect(banner(asked)).toHaveCount(0);
  await expect(nameBox(other)).toHaveValue(mine);

  // Again, and this time the asked tab takes the other tab's version instead.
  await rename(a, 'A again');
  await rename(b, 'B again');
  await Promise.all([flush(a), flush(b)]);
  [asked, other] = await conflicted();
  const kept = await nameBox(other).inputValue();
  await asked.getByRole('button', { name: /Load the other tab/ }).click();
  await expect(banner(asked)).toHaveCount(0);
  await expect(nameBox(asked)).toHaveValue(kept);
  await expect(asked.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  // A third tab opens the version both agree on.
  const c = await context.newPage();
  await c.goto('/');
  await expect(nameBox(c)).toHaveValue(kept);
});

test('a wrong connection is refused, with the reason shown while dragging and after the drop', async ({
  page,
}) => {
  await openBlank(page);
  const settings = await dragFromPalette(page, 'promptSettings');
  const ip = await dragFromPalette(page, 'imagePrompt');
  const from = (await handle(page, settings, 'image', 'source').boundingBox())!;
  const to = (await handle(page, ip, 'image', 'target').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x - 60, to.y + 40, { steps: 5 });
  // While dragging, the refusing handle is dimmed and carries the core's reason.
  await expect(handle(page, ip, 'image', 'target')).toHaveClass(/dim/);
  await expect(handle(page, ip, 'image', 'target')).toHaveAttribute('data-reason', /uploaded image/);
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 5 });
  await expect(page.locator('.wire-reason')).toContainText('An image prompt needs an uploaded image');
  await page.mouse.up();
  await expect(page.locator('.toast.error')).toContainText('An image prompt needs an uploaded image');
  expect((await docOf(page)).edges).toHaveLength(0);
  await page.locator('.toast.error button').click();

  // A cycle is refused with its reason too.
  const vary = await dragFromPalette(page, 'vary');
  const up = await dragFromPalette(page, 'upscale');
  await wire(page, vary, 'image', up, 'image');
  await wire(page, up, 'image', vary, 'image');
  await expect(page.locator('.toast.error').last()).toContainText('loop');
  expect((await docOf(page)).edges).toHaveLength(1);
});

test('dropping a wire on an occupied single input replaces the old wire', async ({ page }) => {
  await openBlank(page);
  const a = await dragFromPalette(page, 'inputImage');
  const b = await dragFromPalette(page, 'inputImage');
  const vary = await dragFromPalette(page, 'vary');
  await wire(page, a, 'image', vary, 'image');
  await wire(page, b, 'image', vary, 'image');
  const edges = (await docOf(page)).edges as { source: string; target: string }[];
  expect(edges).toHaveLength(1);
  expect(edges[0]).toMatchObject({ source: b, target: vary });
});

test('a wire dropped on empty canvas opens the search with compatible nodes and connects the pick', async ({
  page,
}) => {
  await openBlank(page);
  const img = await dragFromPalette(page, 'inputImage');
  const from = (await handle(page, img, 'image', 'source').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 200, from.y + 160, { steps: 8 });
  await page.mouse.up();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Compatible with the wire you dropped');
  await expect(dialog.getByRole('option', { name: /Image Prompt/ })).toHaveCount(1);
  await expect(dialog.getByRole('option', { name: /Prompt & Settings/ })).toHaveCount(0);
  await page.keyboard.type('vary');
  await page.keyboard.press('Enter');
  const doc = await docOf(page);
  const vary = doc.nodes.find((n) => n.kind === 'vary')!;
  expect(doc.edges).toEqual([
    expect.objectContaining({ source: img, target: vary.id, targetHandle: 'image' }),
  ]);
});

test('keyboard only: add nodes from the search and connect the selected node to another', async ({
  page,
}) => {
  await openBlank(page);
  await page.locator('.react-flow__pane').click();
  await page.keyboard.press('Space');
  await page.keyboard.type('input image');
  await page.keyboard.press('Enter');
  const img = (await docOf(page)).nodes[0]!.id;
  // With the Input Image selected, Space offers "connect selected node to…"
  await page.keyboard.press('Space');
  await expect(page.getByRole('dialog')).toContainText('Connect selected node to a new');
  await page.keyboard.type('upscale');
  await page.keyboard.press('Enter');
  const doc = await docOf(page);
  const up = doc.nodes.find((n) => n.kind === 'upscale')!;
  expect(doc.edges).toEqual([expect.objectContaining({ source: img, target: up.id })]);
  // Delete by keyboard, undo by keyboard.
  await page.keyboard.press('Delete');
  expect((await docOf(page)).nodes).toHaveLength(1);
  await page.keyboard.press('Control+z');
  expect((await docOf(page)).nodes).toHaveLength(2);
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
});

test('copy and paste nodes through the clipboard as text', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openBlank(page);
  const v = await dragFromPalette(page, 'vary');
  await selectNode(page, v);
  await page.locator(`#i-${v}-method`).selectOption('Vary (Strong)');
  await page.locator(`.react-flow__node[data-id="${v}"] .flow-node-header`).click();
  await page.keyboard.press('Control+c');
  const text = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(text)).toMatchObject({ format: 'fooocus-flow/clipboard', version: 1 });
  await page.keyboard.press('Control+v');
  const doc = await docOf(page);
  expect(doc.nodes.filter((n) => n.kind === 'vary').map((n) => n.params.method)).toEqual([
    'Vary (Strong)',
    'Vary (Strong)',
  ]);
});

test('zoomed out, nodes show their fields as read-only text; zoomed in, as live controls', async ({
  page,
}) => {
  await openBlank(page);
  const s = await dragFromPalette(page, 'promptSettings');
  const prompt = page.locator(`#n-${s}-prompt`);
  await prompt.fill('a lighthouse on a cliff at dawn');
  await prompt.blur();
  const node = page.locator(`.react-flow__node[data-id="${s}"]`);
  const body = node.locator('.flow-node');
  const scale = () =>
    page
      .locator('.react-flow__viewport')
      .evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).a);

  // Normal zoom: the full body with its live controls.
  expect(await scale()).toBeGreaterThanOrEqual(0.4);
  await expect(body).toHaveAttribute('data-lod', 'full');
  await expect(node.locator('textarea, select')).not.toHaveCount(0);

  // Below the threshold: title, ports and values as text, no form controls.
  const zoomOut = page.locator('.react-flow__controls-zoomout');
  for (let i = 0; i < 12 && (await scale()) >= 0.4; i++) {
    await zoomOut.click();
    await page.waitForTimeout(250);
  }
  expect(await scale()).toBeLessThan(0.4);
  await expect(body).toHaveAttribute('data-lod', 'compact');
  await expect(node.locator('input, select, textarea')).toHaveCount(0);
  await expect(node.locator('.flow-node-title')).toHaveText('Prompt & Settings');
  await expect(node.locator('.flow-node-summary [data-field="prompt"] dd')).toHaveText(
    'a lighthouse on a cliff at dawn',
  );
  await expect(body).toHaveAccessibleDescription(/Zoomed out/);
  const port = node.locator('.react-flow__handle').first();
  await expect(port).toHaveAttribute('tabindex', '0');
  await expect(port).toHaveAccessibleName(/of Prompt & Settings/);

  // Back above the threshold: the live controls return, with the value.
  await page.getByRole('button', { name: 'Fit view', exact: true }).click();
  await expect.poll(scale).toBeGreaterThanOrEqual(0.4);
  await expect(body).toHaveAttribute('data-lod', 'full');
  await expect(prompt).toHaveValue('a lighthouse on a cliff at dawn');
});
