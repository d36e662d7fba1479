import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { EN } from '../../app/i18n/catalog.ts';
import { ZH } from '../../app/i18n/catalog-zh.ts';
import { EXTRA_CHOICE_LABELS } from '../../app/i18n/enum-labels.ts';
import { kindFields } from '../../app/lib/schema-fields.ts';
import { KNOWN_LABELS_ZH } from '../../app/lib/node-names.ts';
import { TEMPLATES } from '../../compiler/authoring/templates.ts';
import { NODE_KINDS } from '../../nodes/registry.ts';
import type { LocalText } from '../../nodes/types.ts';
import { RUN_URL, clickRun, watchRun } from './run-helpers.ts';
import { showNode, viewSettled } from './helpers.ts';

/**
 * The Chinese UI shows no English text the catalogue translates: every chrome text, node title,
 * port and field label, choice and known template label is looked for in the visible text of the
 * zh editor (start screen, every template with a node selected, search, settings, a run and its
 * results). Screenshots: test/artifacts/screenshots/zh-*.png.
 */
const DIR = 'test/artifacts/screenshots';

/** English texts that have a different Chinese text, with the words they are made of. */
function englishEntries(): string[] {
  const out = new Set<string>();
  const add = (t: LocalText | undefined) => {
    if (t && t.en !== t.zh) out.add(t.en);
  };
  for (const [key, en] of Object.entries(EN)) if (ZH[key as keyof typeof EN] !== en) out.add(en);
  for (const k of Object.values(NODE_KINDS)) {
    add(k.title);
    add(k.description);
    for (const p of [...k.inputs, ...k.outputs]) add(p.label);
    for (const f of kindFields(k as never)) {
      add(f.meta?.label);
      add(f.meta?.help);
      for (const c of Object.values(f.meta?.choiceLabels ?? {})) add(c);
      for (const c of Object.values(f.element?.meta?.choiceLabels ?? {})) add(c);
    }
  }
  for (const c of EXTRA_CHOICE_LABELS) add(c);
  for (const t of TEMPLATES) {
    add(t.title);
    add(t.description);
  }
  for (const label of Object.keys(KNOWN_LABELS_ZH)) out.add(label);
  // Parts between {placeholders} stand on their own; very short parts (":", "·") say nothing.
  return [...out]
    .flatMap((s) => s.split(/\{[a-z]+\}/i))
    .map((s) => s.trim().replace(/[.:…]+$/, ''))
    .filter((s) => /[A-Za-z]{2}/.test(s) && s.length >= 4);
}

/** Visible text nodes (not the request JSON, not form values), and the English entries found in them. */
async function englishOnScreen(page: Page, entries: string[]): Promise<string[]> {
  return page.evaluate((list) => {
    const found = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = (n.textContent ?? '').trim();
      if (!el || !text || !/[A-Za-z]/.test(text)) continue;
      if (el.closest('.request-json, script, style, datalist, [aria-hidden="true"]')) continue;
      const option = el.closest('option');
      if (option && !option.selected) continue;
      const box = (option?.parentElement ?? el) as HTMLElement;
      if (!box.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      if (box.getClientRects().length === 0) continue;
      for (const e of list) {
        const words = e.split(/\s+/).length;
        if (text === e || (words >= 2 && text.includes(e))) found.add(`${e}  ←  "${text.slice(0, 80)}"`);
      }
    }
    return [...found];
  }, entries);
}

test('Chinese UI: no English text of the catalogue on screen', async ({ page }) => {
  test.setTimeout(240_000);
  mkdirSync(DIR, { recursive: true });
  const entries = englishEntries();
  expect(entries.length).toBeGreaterThan(300);
  await page.addInitScript(() =>
    localStorage.setItem('fooocus-flow.prefs', JSON.stringify({ lang: 'zh', theme: 'dark' })),
  );
  await page.goto(RUN_URL);
  await expect(page.locator('.start-screen')).toBeVisible();
  const leaks: Record<string, string[]> = {};
  const scan = async (name: string, screenshot = true) => {
    await page.evaluate(() => document.fonts.ready);
    if (screenshot) await page.screenshot({ path: `${DIR}/zh-${name}.png` });
    const found = await englishOnScreen(page, entries);
    if (found.length) leaks[name] = found;
  };
  await scan('start');
  for (const tpl of TEMPLATES) {
    if ((await page.locator('.start-screen').count()) === 0)
      await page.locator('.toolbar button').first().click();
    await page.locator(`[data-template="${tpl.id}"]`).click();
    await viewSettled(page); // opened and laid out once its sample images are drawn
    await expect(page.locator('.react-flow__node')).toHaveCount(tpl.build().nodes.length);
    await expect(page.locator('.problems header .status')).toHaveText('');
    // Each kind of node once in the inspector: its labels, choices and help.
    const ids = await page
      .locator('.react-flow__node')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id!));
    const seenKinds = new Set<string>();
    for (const id of ids) {
      const kind = id.replace(/-\d+$/, '');
      if (seenKinds.has(kind)) continue;
      seenKinds.add(kind);
      await showNode(page, id);
      await page.locator(`.react-flow__node[data-id="${id}"] .flow-node-header`).click();
      await expect(page.locator(`.node-form[data-node="${id}"]`)).toBeVisible();
      // One screenshot per template (its first node); every node kind is scanned.
      await scan(`${tpl.id}-${kind}`, seenKinds.size === 1);
    }
  }
  await page.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
  await page.keyboard.press('Space');
  await page.locator('.search-dialog input').fill('蒙版');
  await scan('search');
  await page.keyboard.press('Escape');
  await page.getByTestId('toolbar-settings').click();
  await expect(page.getByTestId('check-ok')).toBeVisible();
  await scan('settings');
  await page.keyboard.press('Escape');
  // A run and its results.
  await page.locator('.toolbar button').first().click();
  await page.locator('[data-template="text-to-image"]').click();
  await clickRun(page);
  expect((await watchRun(page)).phase).toBe('done');
  await scan('run-done');
  await page.getByTestId('open-gallery').click();
  await page.getByTestId('gallery-item').first().click();
  await scan('gallery-lightbox');
  expect(leaks).toEqual({});
});
