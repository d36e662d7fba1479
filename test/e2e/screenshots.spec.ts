import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { TEMPLATES } from '../../compiler/authoring/templates.ts';
import { viewSettled } from './helpers.ts';

/** The editor with each template, in both languages and both themes, kept under test/artifacts. */
const DIR = 'test/artifacts/screenshots';

for (const lang of ['en', 'zh'] as const) {
  for (const theme of ['dark', 'light'] as const) {
    test(`screenshots: every template, ${lang}, ${theme}`, async ({ page }) => {
      mkdirSync(DIR, { recursive: true });
      await page.addInitScript((prefs) => localStorage.setItem('fooocus-flow.prefs', JSON.stringify(prefs)), {
        lang,
        theme,
      });
      await page.goto('/');
      await expect(page.locator('.start-screen')).toBeVisible();
      await page.screenshot({ path: `${DIR}/start-${lang}-${theme}.png` });
      for (const tpl of TEMPLATES) {
        if ((await page.locator('.start-screen').count()) === 0)
          await page.locator('.toolbar button').first().click();
        await page.locator(`[data-template="${tpl.id}"]`).click();
        const count = tpl.build().nodes.length;
        await viewSettled(page); // opened and laid out once its sample images are drawn
        await expect(page.locator('.react-flow__node')).toHaveCount(count);
        await page.waitForFunction(
          () =>
            document.querySelector('[data-testid="save-status"]')?.getAttribute('data-status') === 'saved',
        );
        // Select the node with the most to say: a Vary / Inpaint when there is one.
        const pick = page
          .locator(
            '.react-flow__node[data-id^="vary"], .react-flow__node[data-id^="inpaint"], .react-flow__node[data-id^="promptSettings"]',
          )
          .first();
        await pick.locator('.flow-node-header').click();
        await expect(page.locator('.node-form')).toBeVisible();
        await page.evaluate(() => document.fonts.ready);
        await page.screenshot({ path: `${DIR}/${tpl.id}-${lang}-${theme}.png` });
      }
    });
  }
}
