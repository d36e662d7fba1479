import { expect, type Page } from '@playwright/test';
import sharp from 'sharp';
import { RUN_PORT } from '../../playwright.config.ts';
import { docOf, layout, showNode } from './helpers.ts';

/** The app server with the simulated engine (second webServer of playwright.config.ts). */
export const RUN_URL = `http://127.0.0.1:${RUN_PORT}`;

/** A small PNG with a left-to-right gradient (real pixels, so the engine has something to vary). */
export async function pngBuffer(width: number, height: number, hue = 0): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = (hue + 128) % 256;
    }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A mask of the given size: white (repaint) in the middle, black around. */
export async function maskBuffer(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height);
  for (let y = Math.floor(height / 4); y < (3 * height) / 4; y++)
    for (let x = Math.floor(width / 4); x < (3 * width) / 4; x++) data[y * width + x] = 255;
  return sharp(data, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

/** Opens the editor of the run server on a template, English, dark. */
export async function openTemplateOnRunServer(page: Page, template: string): Promise<void> {
  await page.addInitScript(() => {
    if (!localStorage.getItem('fooocus-flow.prefs'))
      localStorage.setItem('fooocus-flow.prefs', JSON.stringify({ lang: 'en', theme: 'dark' }));
  });
  await page.goto(RUN_URL);
  await page.locator(`[data-template="${template}"]`).click();
  await expect(page.locator('.start-screen')).toHaveCount(0);
  await layout(page);
}

export async function selectOnCanvas(page: Page, nodeId: string): Promise<void> {
  await showNode(page, nodeId);
  await page.locator(`.react-flow__node[data-id="${nodeId}"] .flow-node-header`).click();
  await expect(page.locator(`.node-form[data-node="${nodeId}"]`)).toBeVisible();
}

/** Uploads a PNG into a node's image field through the inspector's file input. */
export async function uploadImage(
  page: Page,
  nodeId: string,
  png: Buffer,
  name = 'image.png',
): Promise<void> {
  await selectOnCanvas(page, nodeId);
  await page
    .locator(`.node-form[data-node="${nodeId}"] [data-field="image"] input[type="file"]`)
    .setInputFiles({ name, mimeType: 'image/png', buffer: png });
  // The document holds a reference to the stored image, not its bytes.
  await expect
    .poll(async () => String((await docOf(page)).nodes.find((n) => n.id === nodeId)?.params.image))
    .toMatch(/^asset:[0-9a-f]{64}$/);
}

/** Gives every Input Image of the open workflow a picture, and every Mask a mask of that size. */
export async function fillImages(page: Page, width = 96, height = 64): Promise<void> {
  const doc = await docOf(page);
  let hue = 0;
  for (const n of doc.nodes.filter((x) => x.kind === 'inputImage'))
    await uploadImage(page, n.id, await pngBuffer(width, height, (hue += 70)));
  for (const n of doc.nodes.filter((x) => x.kind === 'mask'))
    await uploadImage(page, n.id, await maskBuffer(width, height), 'mask.png');
  await layout(page);
}

export async function setNumber(page: Page, nodeId: string, key: string, value: number): Promise<void> {
  await selectOnCanvas(page, nodeId);
  const input = page.locator(`#i-${nodeId}-${key}`);
  await input.fill(String(value));
  await input.press('Tab');
  await expect
    .poll(async () => (await docOf(page)).nodes.find((n) => n.id === nodeId)?.params[key])
    .toBe(value);
}

export const progressOf = async (page: Page) =>
  Number(await page.getByTestId('progress').getAttribute('aria-valuenow'));

export const phaseOf = (page: Page) => page.locator('.run-panel').getAttribute('data-phase');

/** Clicks Run once the graph has compiled without errors. */
export async function clickRun(page: Page): Promise<void> {
  const run = page.getByTestId('run');
  await expect(run).toBeEnabled();
  await recordProgress(page);
  await run.click();
}

/**
 * Records every value the progress bar shows, in the page, as it renders: on a busy machine a
 * short simulated run can pass between two polls from the test.
 */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __progressSeen?: number[]; __progressObserver?: MutationObserver };
    w.__progressObserver?.disconnect();
    const seen: number[] = [];
    w.__progressSeen = seen;
    const read = () => {
      const v = document.querySelector('[data-testid="progress"]')?.getAttribute('aria-valuenow');
      if (v != null && seen.at(-1) !== Number(v)) seen.push(Number(v));
    };
    w.__progressObserver = new MutationObserver(read);
    w.__progressObserver.observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow'],
    });
  });
}

/**
 * Follows a run to its end; returns every progress value seen on the way (to show it moved), and
 * the phase it ended in.
 */
export async function watchRun(page: Page): Promise<{ seen: number[]; phase: string | null }> {
  const seen = new Set<number>();
  await expect
    .poll(
      async () => {
        const phase = await phaseOf(page);
        if (phase !== 'idle') seen.add(await progressOf(page));
        return phase;
      },
      { timeout: 45_000, intervals: [50] },
    )
    .toMatch(/^(done|stopped|failed)$/);
  const rendered = await page.evaluate(
    () => (window as unknown as { __progressSeen?: number[] }).__progressSeen ?? [],
  );
  for (const p of rendered) seen.add(p);
  return { seen: [...seen].sort((a, b) => a - b), phase: await phaseOf(page) };
}

export async function galleryCount(page: Page): Promise<number> {
  await page.getByTestId('open-gallery').click();
  await expect(page.locator('.dialog.gallery')).toBeVisible();
  const n = await page.getByTestId('gallery-item').count();
  return n;
}

export async function closeGallery(page: Page): Promise<void> {
  await page.locator('.dialog.gallery .dialog-head').getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('.dialog.gallery')).toHaveCount(0);
}

/** The simulated engine's test control, through the app server (SIM_TEST_CONTROL=1 in playwright.config.ts). */
async function simControl<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${RUN_URL}/api/__sim/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sim control ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Waits until the engine has received the Stop (the editor says "stopping" as it sends it): a hold
 * released before then would let the task finish normally.
 */
export async function stopReachedEngine(): Promise<void> {
  await expect
    .poll(async () => (await simControl<{ stopAsked: boolean }>('GET', 'state')).stopAsked, {
      timeout: 30_000,
    })
    .toBe(true);
}

export interface SimHoldInfo {
  id: number;
  step: number;
  taskId: string | null;
  reached: { taskId: string; step: number } | null;
  released: boolean;
}

/** Holds the first task (or `taskId`) that reaches sampling step `step`, until `releaseHold`. */
export async function holdAt(step: number, taskId?: string): Promise<number> {
  return (await simControl<{ id: number }>('POST', 'hold', { step, ...(taskId ? { taskId } : {}) })).id;
}

/** Resolves once the hold is reached (the worker is paused there). */
export async function holdReached(id: number): Promise<SimHoldInfo> {
  return simControl<SimHoldInfo>('GET', `hold/${id}?wait=1`);
}

export async function releaseHold(id?: number): Promise<void> {
  await simControl('POST', 'release', id === undefined ? {} : { id });
}

/** The task id the run panel shows once the server accepted the task (first 8 characters). */
export async function shownTaskId(page: Page): Promise<string> {
  const status = page.locator('.run-panel').getByText(/task: /);
  await expect(status).toBeVisible({ timeout: 15_000 });
  return /task: (\S+)/.exec((await status.textContent()) ?? '')![1]!;
}
