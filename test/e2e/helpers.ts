import { expect, type Locator, type Page } from '@playwright/test';

/** Opens the editor on a fresh profile, English, dark, and picks the blank canvas. */
export async function openBlank(
  page: Page,
  opts: { lang?: 'en' | 'zh'; theme?: 'dark' | 'light' } = {},
): Promise<void> {
  await page.addInitScript(
    (prefs) => {
      if (!localStorage.getItem('fooocus-flow.prefs'))
        localStorage.setItem('fooocus-flow.prefs', JSON.stringify(prefs));
    },
    { lang: opts.lang ?? 'en', theme: opts.theme ?? 'dark' },
  );
  await page.goto('/');
  await page.locator('[data-template="blank"]').click();
  await expect(page.locator('.start-screen')).toHaveCount(0);
}

/**
 * Opens the Vary + Image Prompt template on a fresh profile and waits for its layout (it is laid out
 * once its sample images are in). Returns the id of its Input Image node.
 */
export async function openVaryTemplate(page: Page): Promise<string> {
  await openBlank(page);
  await page.getByRole('button', { name: 'New' }).click();
  await page.locator('[data-template="vary-image-prompt"]').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(6);
  await viewSettled(page);
  return (await docOf(page)).nodes.find((n) => n.kind === 'inputImage')!.id;
}

export type HookWindow = {
  __fooocusFlow: {
    request(): Record<string, unknown>;
    doc(): { nodes: { id: string; kind: string; params: Record<string, unknown> }[]; edges: unknown[] };
    history(): { past: number; future: number };
    flushAutosave(): Promise<void>;
    holdAutosave(on: boolean): void;
  };
};

export const request = (page: Page) =>
  page.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.request());
export const docOf = (page: Page) =>
  page.evaluate(() => (window as unknown as HookWindow).__fooocusFlow.doc());

/**
 * Drags a palette entry onto a free spot of the canvas (its right margin, which fit-view keeps
 * empty), then tidies with Auto-layout so every handle is visible. Returns the new node's id.
 */
export async function dragFromPalette(page: Page, kind: string): Promise<string> {
  const before = new Set((await docOf(page)).nodes.map((n) => n.id));
  const pane = await page.locator('.react-flow__pane').boundingBox();
  await page.locator(`.palette-item[data-kind="${kind}"]`).dragTo(page.locator('.react-flow__pane'), {
    targetPosition: { x: pane!.width - 40, y: 40 },
  });
  const after = (await docOf(page)).nodes;
  const added = after.find((n) => !before.has(n.id));
  expect(added, `palette drag added a ${kind}`).toBeTruthy();
  await layout(page);
  return added!.id;
}

export async function layout(page: Page): Promise<void> {
  // Auto-layout's code is fetched after the first paint: make sure it is there, so the click lays out at once.
  await page.evaluate(() =>
    (window as unknown as { __fooocusFlow: { layoutReady(): Promise<boolean> } }).__fooocusFlow.layoutReady(),
  );
  await page.getByRole('button', { name: /Auto-layout|自动布局/ }).click();
  await viewSettled(page);
}

/**
 * Waits until the canvas stops moving: fit-view runs a few frames after a layout, and a handle's
 * box read before then is stale (a wire dragged from it would miss). Settled = the viewport
 * transform and every node's transform unchanged over three consecutive frames.
 */
export async function viewSettled(page: Page): Promise<void> {
  await page.evaluate(() =>
    (window as unknown as { __fooocusFlow: { layoutIdle(): Promise<boolean> } }).__fooocusFlow.layoutIdle(),
  );
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const snap = () =>
          [...document.querySelectorAll<HTMLElement>('.react-flow__viewport, .react-flow__node')]
            .map((el) => el.style.transform)
            .join('|');
        let last = snap();
        let calm = 0;
        let frames = 0;
        const tick = () => {
          const now = snap();
          calm = now === last ? calm + 1 : 0;
          last = now;
          if (calm >= 3) resolve();
          else if (++frames > 300) reject(new Error('the canvas kept moving for 300 frames'));
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
  );
}

/**
 * Pans the canvas to a node, as a user scrolls to it: fit-view keeps node text readable, so a large
 * graph is not all in view at once.
 */
export async function showNode(page: Page, nodeId: string): Promise<void> {
  await page.evaluate(
    (id) =>
      (window as unknown as { __fooocusFlow: { showNode(id: string): void } }).__fooocusFlow.showNode(id),
    nodeId,
  );
  await viewSettled(page);
}

export function handle(page: Page, nodeId: string, handleId: string, type: 'source' | 'target') {
  return page.locator(`.react-flow__handle.${type}[data-nodeid="${nodeId}"][data-handleid="${handleId}"]`);
}

/** Drags a wire from an output handle to an input handle with the mouse. */
export async function wire(
  page: Page,
  from: string,
  fromHandle: string,
  to: string,
  toHandle: string,
): Promise<void> {
  await page.evaluate(
    (ids) =>
      (window as unknown as { __fooocusFlow: { showNodes(ids: string[]): void } }).__fooocusFlow.showNodes(
        ids,
      ),
    [from, to],
  );
  await viewSettled(page);
  const a = await handle(page, from, fromHandle, 'source').boundingBox();
  const b = await handle(page, to, toHandle, 'target').boundingBox();
  if (!a || !b) throw new Error(`handle not visible: ${from}.${fromHandle} → ${to}.${toHandle}`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
  await page.mouse.up();
}

export async function selectNode(page: Page, nodeId: string): Promise<void> {
  await layout(page); // nodes grow as images and messages appear; keep them apart
  await showNode(page, nodeId);
  await page.locator(`.react-flow__node[data-id="${nodeId}"] .flow-node-header`).click();
  await expect(page.locator(`.node-form[data-node="${nodeId}"]`)).toBeVisible();
}

/** Sets a field in the inspector of the selected node. */
export function inspectorField(page: Page, nodeId: string, key: string) {
  return page.locator(`.inspector [data-field="${key}"]`).locator(`#i-${nodeId}-${key}`);
}

/** Chooses an item of the toolbar's File menu (Open…, Save, Save without images, Export request, Library, Server history). */
export async function fromFileMenu(page: Page, name: string | RegExp): Promise<void> {
  await page.getByTestId('file-menu').click();
  await page
    .getByRole('menu')
    .getByRole('menuitem', { name, exact: typeof name === 'string' })
    .click();
}

export async function fitView(page: Page): Promise<void> {
  await page
    .locator('.toolbar')
    .getByRole('button', { name: /Fit view|适应视图/ })
    .click();
}

/** A file for dropCanvasFiles: its bytes as base64 (Buffers do not cross into the page). */
export interface DroppedFile {
  name: string;
  type: string;
  base64: string;
}

/**
 * Drops files on the canvas the way the browser delivers them (one DataTransfer holding Files), at
 * `at` inside the pane (its centre by default).
 */
export async function dropCanvasFiles(
  page: Page,
  files: DroppedFile[],
  at?: { x: number; y: number },
): Promise<void> {
  await dropFilesOn(page.locator('.react-flow__pane'), files, at);
}

/** Drops files on a node (on its header, where the user's pointer would be), as the browser delivers them. */
export async function dropNodeFiles(page: Page, nodeId: string, files: DroppedFile[]): Promise<void> {
  await dropFilesOn(page.locator(`.react-flow__node[data-id="${nodeId}"] .flow-node-header`), files);
}

async function dropFilesOn(
  target: Locator,
  files: DroppedFile[],
  at?: { x: number; y: number },
): Promise<void> {
  await target.evaluate(
    (pane, { files, at }) => {
      const dt = new DataTransfer();
      for (const f of files)
        dt.items.add(
          new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }),
        );
      const r = pane.getBoundingClientRect();
      const init = {
        clientX: r.left + (at ? at.x : r.width / 2),
        clientY: r.top + (at ? at.y : r.height / 2),
        bubbles: true,
        cancelable: true,
        dataTransfer: dt,
      };
      pane.dispatchEvent(new DragEvent('dragover', init));
      pane.dispatchEvent(new DragEvent('drop', init));
    },
    { files, at },
  );
}
