import { expect, test, type Page } from '@playwright/test';
import { openBlank, type HookWindow } from './helpers.ts';

/**
 * Autosave never loses the last edit: a change made right before the tab is closed is written from
 * `pagehide` and is there when the editor is opened again. The timed write is held for the last
 * edit, so the test knows the close alone saved it, however slow the machine.
 */
const nameBox = (p: Page) => p.getByRole('textbox', { name: 'Workflow name' }).first();
const status = (p: Page) => p.getByTestId('save-status');

async function editThenClose(page: Page, name: string, close: (p: Page) => Promise<void>): Promise<void> {
  await page.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.holdAutosave(true));
  await nameBox(page).fill(name);
  await nameBox(page).blur();
  await expect(status(page)).toHaveAttribute('data-status', 'pending');
  await close(page);
}

for (const [how, close] of [
  ['the user closes the tab', (p: Page) => p.close({ runBeforeUnload: true })],
  ['the tab is closed by the browser', (p: Page) => p.close()],
] as const) {
  test(`autosave: an edit made just before ${how} is restored on the next open`, async ({ context }) => {
    const first = await context.newPage();
    await openBlank(first);
    await nameBox(first).fill('Saved earlier');
    await nameBox(first).blur();
    await expect(status(first)).toHaveAttribute('data-status', 'saved');

    await editThenClose(first, 'The very last edit', close);

    const next = await context.newPage();
    await next.goto('/');
    await expect(next.locator('.start-screen')).toHaveCount(0);
    await expect(nameBox(next)).toHaveValue('The very last edit');
    await expect(status(next)).toHaveAttribute('data-status', 'saved');
  });
}
