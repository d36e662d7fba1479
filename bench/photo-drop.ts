/**
 * Ten 12-megapixel photos dropped on the canvas at once, while the user types in the prompt: the
 * editor must stay responsive while they are hashed, decoded and thumbnailed. Measures, in the
 * same page: typing latency (key event → the next frame) during the drop, the main thread's long
 * tasks (> 50 ms) from the drop until the last thumbnail is shown, and how long the first and the
 * last thumbnail took to be in the DOM.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { ms, pct } from './editor.ts';

export interface DropPhoto {
  path: string;
  hash: string;
}

export async function benchPhotoDrop(
  browser: Browser,
  url: string,
  photos: DropPhoto[],
): Promise<Record<string, string>> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  // The photos reach the page as files (as a drop from the desktop gives them), fetched before timing.
  await page.route(`${url}bench-photo/*`, (route) => {
    const i = Number(route.request().url().split('/').pop());
    return route.fulfill({ body: readFileSync(photos[i]!.path), contentType: 'image/jpeg' });
  });
  await page.goto(url);
  await page.locator('[data-template="text-to-image"]').click();
  await page.locator('.start-screen').waitFor({ state: 'detached' });
  const settings = await page.evaluate(
    () =>
      (
        window as unknown as { __fooocusFlow: { doc(): { nodes: { id: string; kind: string }[] } } }
      ).__fooocusFlow
        .doc()
        .nodes.find((n) => n.kind === 'promptSettings')!.id,
  );
  await page.evaluate(`(async () => {
    window.__files = [];
    for (let i = 0; i < ${photos.length}; i++) {
      const blob = await (await fetch('/bench-photo/' + i)).blob();
      window.__files.push(new File([blob], 'photo-' + i + '.jpg', { type: 'image/jpeg' }));
    }
  })()`);
  await page.locator(`.react-flow__node[data-id="${settings}"] .flow-node-header`).click();
  await page.locator(`#i-${settings}-prompt`).click();
  // A string, not a function: tsx's name-keeping helper does not exist inside the page.
  await page.evaluate(`(() => {
    window.__lat = [];
    window.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); })
      .observe({ type: 'longtask' });
    document.addEventListener('keydown', function (e) {
      const t0 = e.timeStamp;
      requestAnimationFrame(function () { setTimeout(function () { window.__lat.push(performance.now() - t0); }, 0); });
    }, true);
    window.__before = [...document.querySelectorAll('.react-flow__node')].map((n) => n.dataset.id);
    window.__dropAt = performance.now();
    const dt = new DataTransfer();
    for (const f of window.__files) dt.items.add(f);
    const pane = document.querySelector('.react-flow__pane');
    const r = pane.getBoundingClientRect();
    const at = { clientX: r.left + 200, clientY: r.top + 150, bubbles: true, cancelable: true, dataTransfer: dt };
    pane.dispatchEvent(new DragEvent('dragover', at));
    pane.dispatchEvent(new DragEvent('drop', at));
  })()`);
  const text = 'a harbour at dusk, boats';
  // Watched in the page from the drop on: when the first and the last dropped photo has a
  // thumbnail in the DOM (any thumbnail: the early one drawn from the file, or the stored asset's),
  // and when every node holds its stored asset (hashed).
  const shown = page.evaluate(`new Promise((resolve) => {
    const before = new Set(window.__before);
    const hashes = ${JSON.stringify(photos.map((p) => p.hash))};
    const loaded = (img) => img && img.complete && img.naturalWidth > 0;
    let nodes = null;
    let first = null;
    let last = null;
    function check() {
      const t = performance.now() - window.__dropAt;
      let added = 0;
      let n = 0;
      for (const node of document.querySelectorAll('.react-flow__node')) {
        if (before.has(node.dataset.id)) continue;
        added++;
        if ([...node.querySelectorAll('img.thumb')].some(loaded)) n++;
      }
      if (nodes === null && added >= hashes.length) nodes = t;
      if (first === null && n >= 1) first = t;
      if (last === null && n >= hashes.length) last = t;
      const stored = hashes.every((h) =>
        loaded(document.querySelector('.react-flow__node img.thumb[data-asset="' + h + '"]')),
      );
      if (stored && last !== null) resolve({ nodes, first, last, stored: t });
      else requestAnimationFrame(check);
    }
    check();
  })`) as Promise<{ nodes: number; first: number; last: number; stored: number }>;
  await page.keyboard.type(text, { delay: 100 });
  const times = await shown;
  await page.waitForFunction(
    (n) => (window as unknown as { __lat: number[] }).__lat.length >= n,
    text.length,
  );
  const { lat, long } = (await page.evaluate('({ lat: window.__lat, long: window.__long })')) as {
    lat: number[];
    long: number[];
  };
  await ctx.close();
  const n = photos.length;
  return {
    [`${n} photos dropped at once → all ${n} nodes in the DOM`]: ms(times.nodes),
    [`${n} photos dropped at once → first thumbnail in the DOM`]: ms(times.first),
    [`${n} photos dropped at once → last thumbnail in the DOM`]: ms(times.last),
    [`${n} photos dropped at once → every node holds its stored photo`]: ms(times.stored),
    [`typing latency while ${n} photos are processed: median`]: ms(pct(lat, 50)),
    [`typing latency while ${n} photos are processed: p95`]: ms(pct(lat, 95)),
    [`main-thread long tasks from the drop of ${n} photos to the last thumbnail`]: `${long.length}, longest ${ms(Math.max(0, ...long))}, total ${ms(long.reduce((a, b) => a + b, 0))}`,
  };
}
