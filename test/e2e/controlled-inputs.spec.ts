import { expect, test, type Page } from '@playwright/test';
import { docOf, dragFromPalette, openBlank, selectNode } from './helpers.ts';

/**
 * The editor renders with preact/compat, which (unlike React) leaves a controlled input showing
 * what was typed when its handler refuses the change. A box must never show a value the workflow
 * does not have once the user has left it.
 */

const loraWeights = async (page: Page, nodeId: string) =>
  ((await docOf(page)).nodes.find((n) => n.id === nodeId)?.params.loras as { weight: number }[]).map(
    (l) => l.weight,
  );

test('a LoRA weight out of range is refused and the box shows the weight kept once left', async ({
  page,
}) => {
  await openBlank(page);
  const id = await dragFromPalette(page, 'promptSettings');
  await selectNode(page, id);
  const loras = page.locator('.inspector [data-field="loras"]');
  // A new Prompt & Settings node has Fooocus's five LoRA slots, the first at 0.1.
  const weight = loras.getByRole('spinbutton', { name: 'Weight #1' });
  await expect(weight).toHaveValue('0.1');

  await weight.fill('5');
  await weight.press('Tab');
  await expect(weight).toHaveValue('0.1');
  expect((await loraWeights(page, id))[0]).toBe(0.1);

  // Typed key by key, as a user does: "0" is a valid weight on the way to "0.5".
  await weight.fill('');
  await weight.pressSequentially('0.5');
  await weight.press('Tab');
  await expect(weight).toHaveValue('0.5');
  expect((await loraWeights(page, id))[0]).toBe(0.5);

  await weight.fill('-0.75');
  await weight.press('Tab');
  await expect(weight).toHaveValue('-0.75');
  expect((await loraWeights(page, id))[0]).toBe(-0.75);

  await weight.fill('-3');
  await weight.press('Tab');
  await expect(weight).toHaveValue('-0.75');
  expect((await loraWeights(page, id))[0]).toBe(-0.75);
});
