import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { docOf, fromFileMenu, viewSettled } from './helpers.ts';
import { clickRun, openTemplateOnRunServer, setNumber, watchRun } from './run-helpers.ts';

/**
 * Issue 11, the rest: a one-row toolbar (file actions in the File menu) from 1280 px, an editor usable at
 * 1024 px, templates that ask before replacing unsaved work, and one seed story for Run, Copy as and
 * Export request. Screenshots go to test/artifacts/screenshots/layout-*.
 */
const DIR = 'test/artifacts/screenshots';
mkdirSync(DIR, { recursive: true });

async function openEditor(page: Page, lang: 'en' | 'zh', theme: 'dark' | 'light', template: string) {
  await page.addInitScript(
    (p) => {
      if (!localStorage.getItem('fooocus-flow.prefs'))
        localStorage.setItem('fooocus-flow.prefs', JSON.stringify(p));
    },
    { lang, theme },
  );
  await page.goto('/');
  await page.locator(`[data-template="${template}"]`).click({ timeout: 20_000 });
  await expect(page.locator('.start-screen')).toHaveCount(0);
  await viewSettled(page);
}

/** Tops of the toolbar's visible controls, and whether anything sticks out of it. */
function toolbarRows(page: Page) {
  return page.locator('.toolbar').evaluate((bar) => {
    const box = bar.getBoundingClientRect();
    const controls = [...bar.querySelectorAll<HTMLElement>('button, select, input')].filter(
      (el) => el.offsetParent !== null && !el.closest('[role="menu"]'),
    );
    const tops = new Set(controls.map((el) => Math.round(el.getBoundingClientRect().top / 4)));
    const outside = controls
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.right > box.right + 0.5 || r.left < box.left - 0.5;
      })
      .map((el) => el.getAttribute('aria-label') ?? el.textContent);
    return { rows: tops.size, outside, height: box.height };
  });
}

for (const [lang, theme] of [
  ['en', 'dark'],
  ['zh', 'light'],
] as const)
  test(`the toolbar is one row at 1440, 1280 and 1024 px (${lang}, ${theme}); Run keeps its room at 1024`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await openEditor(page, lang, theme, 'vary-image-prompt');
    for (const width of [1440, 1280, 1024]) {
      await page.setViewportSize({ width, height: width === 1024 ? 768 : 900 });
      await expect.poll(async () => (await toolbarRows(page)).rows, { message: `${width} px` }).toBe(1);
      expect((await toolbarRows(page)).outside, `${width} px`).toEqual([]);
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: `${DIR}/layout-${lang}-${theme}-${width}.png` });
    }
    // 1024 px: the Run panel is wide enough for its button and reasons, and the panels do not overlap.
    const boxes = await page.locator('.bottom-panels > section').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { cls: e.className, x: r.x, y: r.y, w: r.width, h: r.height };
      }),
    );
    const run = boxes.find((b) => b.cls.includes('run-panel'))!;
    expect(run.w).toBeGreaterThanOrEqual(280);
    for (const a of boxes)
      for (const b of boxes)
        if (a !== b)
          expect(
            a.x + a.w <= b.x + 1 || b.x + b.w <= a.x + 1 || a.y + a.h <= b.y + 1 || b.y + b.h <= a.y + 1,
            `${a.cls} / ${b.cls}`,
          ).toBe(true);
    const runButton = await page.getByTestId('run').boundingBox();
    expect(runButton!.x + runButton!.width).toBeLessThanOrEqual(run.x + run.w);
    // Copy as and its four buttons on one line.
    const copyTops = await page
      .locator('.request-panel .copy-row button')
      .evaluateAll((els) => new Set(els.map((e) => Math.round(e.getBoundingClientRect().top))).size);
    expect(copyTops).toBe(1);
    // The Shortcuts button keeps its name when it shows only "?".
    const shortcuts = page.getByRole('button', { name: lang === 'en' ? 'Shortcuts' : '快捷键' });
    await expect(shortcuts.locator('.narrow-only')).toBeVisible();
    await expect(shortcuts.locator('.wide-only')).toBeHidden();
  });

test('the File menu: opens by click or arrow key, moves with arrows, closes with Escape or a click away', async ({
  page,
}) => {
  await openEditor(page, 'en', 'dark', 'text-to-image');
  const button = page.getByTestId('file-menu');
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await button.focus();
  await page.keyboard.press('ArrowDown');
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  await expect(page.getByRole('menuitem', { name: 'Open…' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Save', exact: true })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('menuitem', { name: 'Server history' })).toBeFocused();
  await page.keyboard.press('ArrowDown'); // wraps round
  await expect(page.getByRole('menuitem', { name: 'Open…' })).toBeFocused();
  await page.screenshot({ path: `${DIR}/layout-file-menu.png` });
  // Escape closes the menu only: the selection and the rest of the editor are left alone.
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(button).toBeFocused();
  await button.click();
  await expect(menu).toBeVisible();
  await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
  await expect(menu).toHaveCount(0);
  // An item does what the old toolbar button did.
  await fromFileMenu(page, 'Library');
  await expect(page.locator('.library-dialog')).toBeVisible();
  await expect(menu).toHaveCount(0);
});

test('a template from the start screen asks before it replaces unsaved work', async ({ page }) => {
  await openEditor(page, 'en', 'dark', 'text-to-image');
  const questions: string[] = [];
  // A template just opened is not unsaved work: another one replaces it without a question.
  page.on('dialog', (d) => {
    questions.push(d.message());
    void (questions.length === 1 ? d.dismiss() : d.accept());
  });
  await page.getByRole('button', { name: 'New' }).click();
  await page.locator('[data-template="vary-image-prompt"]').click();
  await expect(page.locator('.start-screen')).toHaveCount(0);
  await viewSettled(page);
  expect(questions).toEqual([]);
  const ps = (await docOf(page)).nodes.find((n) => n.kind === 'promptSettings')!.id;
  await setNumber(page, ps, 'image_number', 3);
  const before = await docOf(page);

  // Cancel: the start screen stays, the work is untouched.
  await page.getByRole('button', { name: 'New' }).click();
  await page.locator('[data-template="text-to-image"]').click();
  await expect.poll(() => questions.length).toBe(1);
  expect(questions[0]).toContain('Replace it anyway?');
  await expect(page.locator('.start-screen')).toBeVisible();
  expect(await docOf(page)).toEqual(before);
  await page.screenshot({ path: `${DIR}/layout-template-kept.png` });

  // The blank canvas asks too; this time the user says yes.
  await page.locator('[data-template="blank"]').click();
  await expect.poll(() => questions.length).toBe(2);
  await expect(page.locator('.start-screen')).toHaveCount(0);
  expect((await docOf(page)).nodes).toEqual([]);
});

test('seed: Copy as and Export request keep a random seed as -1, as the request view says; a fixed seed is sent as set', async ({
  page,
  context,
}) => {
  await openTemplateOnRunServer(page, 'text-to-image');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(page.url()).origin,
  });
  const seedLine = page.locator('.request-panel [data-path="image_seed"]');
  await expect(seedLine).toContainText('-1');
  await expect(seedLine).toContainText('chosen at Run');
  await expect(page.getByTestId('seed-copies')).toContainText('send image_seed −1');

  const copiedJson = async () => {
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await page.locator('.request-panel [data-copy="json"]').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).not.toBe('');
    return JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as Record<string, unknown>;
  };
  const exported = async () => {
    const [file] = await Promise.all([page.waitForEvent('download'), fromFileMenu(page, 'Export request')]);
    return JSON.parse(readFileSync((await file.path())!, 'utf8')) as Record<string, unknown>;
  };
  expect((await copiedJson()).image_seed).toBe(-1);
  expect((await exported()).image_seed).toBe(-1);
  const python = await (async () => {
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await page.locator('.request-panel [data-copy="python"]').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).not.toBe('');
    return page.evaluate(() => navigator.clipboard.readText());
  })();
  expect(python).toMatch(/"image_seed": -1\b/);
  // Run draws a seed of its own, shown in the run panel.
  await clickRun(page);
  expect((await watchRun(page)).phase).toBe('done');
  expect(Number(await page.getByTestId('run-seed').textContent())).toBeGreaterThanOrEqual(0);

  // A fixed seed: the same number in the view, the copies, the export and the run.
  const ps = (await docOf(page)).nodes.find((n) => n.kind === 'promptSettings')!.id;
  await setNumber(page, ps, 'image_seed', 1234567);
  await expect(seedLine).toContainText('1234567');
  await expect(page.getByTestId('seed-copies')).toHaveCount(0);
  expect((await copiedJson()).image_seed).toBe(1234567);
  expect((await exported()).image_seed).toBe(1234567);
});
