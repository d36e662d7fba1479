/**
 * Real photos in the editor (Chromium): 12-megapixel JPEGs of 5–8 MB, like a phone's, in the
 * Vary + Image Prompt template with the editor's own settings (random seed). In one run:
 * - typing latency (key event → the frame after it) with two photos loaded, against the same
 *   template without photos: the photos must not make typing slower;
 * - file chosen → thumbnail on the node, for new photos and for photos already stored;
 * - JavaScript heap (after GC) with two photos loaded, and after 50 edits + 50 undos: an undo step
 *   must not cost anything like an image's size;
 * - ten photos dropped at once while typing (`photo-drop.ts`): typing latency and long tasks.
 * The photos are generated here (noise over gradients, so JPEG cannot shrink them) and deleted after.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium, ms, pct, startPreview } from './editor.ts';
import { benchPhotoDrop } from './photo-drop.ts';

const W = 4000;
const H = 3000;

/** A photo-like JPEG: smooth colour fields plus per-pixel noise (sensor grain), seeded. */
export async function photo(seed: number): Promise<Buffer> {
  const raw = Buffer.alloc(W * H * 3);
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) & 255) - 128;
  };
  const phase = seed % 7;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      raw[i] = Math.max(0, Math.min(255, 40 + (x / W) * 180 + rnd() * 0.4));
      raw[i + 1] = Math.max(
        0,
        Math.min(255, 30 + (y / H) * 170 + 30 * Math.sin(x / 210 + phase) + rnd() * 0.4),
      );
      raw[i + 2] = Math.max(0, Math.min(255, 120 + 90 * Math.sin((x + y) / 330 + phase) + rnd() * 0.4));
    }
  return sharp(raw, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** Key event → the next frame that can show the character, for each key (timestamps of the events themselves, so time an event waited behind other work counts). */
export async function typingLatency(
  page: Page,
  node: string,
  field: string,
  text: string,
): Promise<number[]> {
  await page.locator(`.react-flow__node[data-id="${node}"] .flow-node-header`).click();
  await page.locator(field).click();
  await page.evaluate(`(() => {
    window.__lat = [];
    window.__onKey = function (e) {
      const t0 = e.timeStamp;
      requestAnimationFrame(function () { setTimeout(function () { window.__lat.push(performance.now() - t0); }, 0); });
    };
    document.addEventListener('keydown', window.__onKey, true);
  })()`);
  // One key per 250 ms: a person typing, with time for the debounced compile and autosave to run between keys.
  await page.keyboard.type(text, { delay: 250 });
  await page.waitForFunction(
    (n) => (window as unknown as { __lat: number[] }).__lat.length >= n,
    text.length,
  );
  return page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __onKey: EventListener };
    document.removeEventListener('keydown', w.__onKey, true);
    return w.__lat;
  });
}

/** Where the time from file chosen to thumbnail shown went: each step's end, in ms after the choice. */
type Steps = Record<string, number>;
/** The steps, in order: the worker's (see asset-worker.ts) and the page's. */
const STEPS = [
  'start',
  'read',
  'decoded',
  'encoded',
  'preview',
  'inserted',
  'shown',
  'hashed',
  'reply',
  'stored',
];

/**
 * Chooses a file on an image field and returns when each step ended, up to its thumbnail on screen
 * (`shown`: the node shows the chosen photo, from its file or from the stored asset) and the node
 * holding the stored asset (`stored`).
 */
export async function chooseAndTime(page: Page, node: string, file: string, hash: string): Promise<Steps> {
  await page.evaluate(`(() => {
    document.addEventListener('change', function () { window.__chosenAt = performance.now(); }, { capture: true, once: true });
  })()`);
  const name = basename(file);
  // A string, not a function: tsx's name-keeping helper does not exist inside the page.
  const shown = page.evaluate(`new Promise((resolve) => {
    const at = '.react-flow__node[data-id="${node}"] ';
    const stored = at + 'img.thumb[data-asset="${hash}"]';
    const either = stored + ', ' + at + 'img.thumb[data-chosen="${name}"]';
    const loaded = (img) => img && img.complete && img.naturalWidth > 0;
    let inserted = null;
    let shownAt = null;
    const mo = new MutationObserver(() => {
      if (inserted === null && document.querySelector(either)) inserted = performance.now();
    });
    mo.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['src', 'data-asset', 'data-chosen'] });
    function check() {
      const t = performance.now();
      if (shownAt === null && [...document.querySelectorAll(either)].some(loaded)) shownAt = t;
      if (shownAt !== null && loaded(document.querySelector(stored))) {
        mo.disconnect();
        const c = window.__chosenAt;
        const steps = { inserted: (inserted ?? shownAt) - c, shown: shownAt - c, stored: t - c };
        for (const m of performance.getEntriesByType('mark'))
          if (m.name.startsWith('asset:')) steps[m.name.slice(6)] = m.startTime - c;
        resolve(steps);
      } else requestAnimationFrame(check);
    }
    requestAnimationFrame(check);
  })`) as Promise<Steps>;
  await page.locator(`.react-flow__node[data-id="${node}"] input[type=file]`).setInputFiles(file);
  return shown;
}

/** Median time of each step, as "step +Δ ms" from the step before (where the time goes). */
function stepMedians(runs: Steps[]): string {
  let prev = 0;
  const parts: string[] = [];
  for (const step of STEPS) {
    const xs = runs.map((r) => r[step]).filter((x): x is number => typeof x === 'number');
    if (xs.length === 0) continue;
    const at = pct(xs, 50);
    parts.push(`${step} +${(at - prev).toFixed(0)}`);
    prev = at;
  }
  return `${parts.join(', ')} ms`;
}

/**
 * The renderer main thread's CPU time while `work` runs (Chromium's ThreadTime metric): unlike
 * latency, a busy machine does not inflate it, so it compares two pages fairly under any load.
 */
async function cpuWhile<T>(cdp: CDPSession, work: () => Promise<T>): Promise<{ result: T; cpu: number }> {
  await cdp.send('Performance.enable');
  const threadTime = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')!.value * 1000;
  const t0 = await threadTime();
  const result = await work();
  return { result, cpu: (await threadTime()) - t0 };
}

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

export async function benchEditorPhotos(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'fooocus-flow-photos-'));
  const out: Record<string, string | number> = {};
  const files = await writePhotos(dir, 0, 4);
  out['load average at start (1, 5, 15 min; 2 cores)'] = loadAverage();
  out['photos'] = `${files.length} × ${W}×${H} JPEG, ${files.map((f) => mb(f.bytes)).join(', ')}`;
  // Six more for the drop of ten at once.
  const dropped = [...files, ...(await writePhotos(dir, 4, 10))];

  const preview = await startPreview();
  const browser = await launchChromium();
  try {
    // Two editors side by side, the same template: one without photos, one with two. Typing is
    // measured in turns (plain, photos, plain, photos), so load from elsewhere on the machine
    // falls on both alike.
    const open = async () => {
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(preview.url);
      await page.locator('[data-template="vary-image-prompt"]').click();
      // The template is open once the start screen is gone (on a busy machine, not at once).
      await page.locator('.start-screen').waitFor({ state: 'detached' });
      return { ctx, page };
    };
    const plain = await open();
    const { ctx, page } = await open();
    const cdp = await ctx.newCDPSession(page);
    const nodes = await page.evaluate(
      () =>
        (
          window as unknown as {
            __fooocusFlow: { doc(): { nodes: { id: string; kind: string }[] } };
          }
        ).__fooocusFlow.doc().nodes,
    );
    const settings = nodes.find((n) => n.kind === 'promptSettings')!.id;
    const images = nodes.filter((n) => n.kind === 'inputImage').map((n) => n.id);
    if (images.length < 2)
      throw new Error('the Vary + Image Prompt template should have two Input Image nodes');
    const prompt = `#i-${settings}-prompt`;
    const negative = `#i-${settings}-negative_prompt`;

    // Every photo is new once, then chosen again (already stored): 8 choices in all; the last two
    // leave one photo in each Input Image node.
    const thumbs: number[] = [];
    const cold: number[] = [];
    const steps: Steps[] = [];
    const stored: number[] = [];
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < files.length; i++) {
        const s = await chooseAndTime(page, images[i % 2]!, files[i]!.path, files[i]!.hash);
        steps.push(s);
        thumbs.push(s.shown!);
        stored.push(s.stored!);
        if (round === 0) cold.push(s.shown!);
      }
    out['file chosen → thumbnail shown: median'] = ms(pct(thumbs, 50));
    out['file chosen → thumbnail shown: p95'] = ms(pct(thumbs, 95));
    out['file chosen → thumbnail shown, new photo: median'] = ms(pct(cold, 50));
    out['file chosen → thumbnail shown, new photo: max'] = ms(Math.max(...cold));
    out['file chosen → node holds the stored photo (hashed): median'] = ms(pct(stored, 50));
    out['file chosen → thumbnail shown: where the time goes (medians)'] = stepMedians(steps);
    await page.getByTestId('save-status').and(page.locator('[data-status="saved"]')).waitFor();

    const heapLoaded = await heapAfterGc(cdp);
    out['JS heap after GC, two photos loaded'] = mb(heapLoaded);
    out['JS heap after GC, same template without photos'] = mb(
      await heapAfterGc(await plain.ctx.newCDPSession(plain.page)),
    );

    const without: number[] = [];
    const withPhotos: number[] = [];
    const cpu = { without: 0, with: 0, keys: 0 };
    const plainCdp = await plain.ctx.newCDPSession(plain.page);
    // Short turns, alternating, so a burst of load from elsewhere falls on both sides alike.
    // Eight turns (about 120 keys a side): a p95 of fewer keys is mostly the machine's noise.
    for (const words of [
      'a lighthouse ',
      'on a cliff at dawn, ',
      'dramatic sky, ',
      'golden light, ',
      'waves breaking ',
      'on black rocks, ',
      'seen from the sea, ',
      'soft haze',
    ]) {
      const a = await cpuWhile(plainCdp, () => typingLatency(plain.page, settings, prompt, words));
      const b = await cpuWhile(cdp, () => typingLatency(page, settings, prompt, words));
      without.push(...a.result);
      withPhotos.push(...b.result);
      cpu.without += a.cpu;
      cpu.with += b.cpu;
      cpu.keys += words.length;
    }
    out['typing latency without photos: median'] = ms(pct(without, 50));
    out['typing latency without photos: p95'] = ms(pct(without, 95));
    out['typing latency with two photos: median'] = ms(pct(withPhotos, 50));
    out['typing latency with two photos: p95'] = ms(pct(withPhotos, 95));
    out['typing latency p95, with photos / without (goal ≤ 1.3)'] = (
      pct(withPhotos, 95) / pct(without, 95)
    ).toFixed(2);
    out['typing, main-thread CPU per key without / with photos (load-independent)'] =
      `${ms(cpu.without / cpu.keys)} / ${ms(cpu.with / cpu.keys)} (ratio ${(cpu.with / cpu.without).toFixed(2)})`;
    await plain.ctx.close();

    // 50 edits (alternating fields, so each is its own undo step), then 50 undos.
    const hist = () =>
      page.evaluate(
        () =>
          (window as unknown as { __fooocusFlow: { history(): { past: number } } }).__fooocusFlow.history()
            .past,
      );
    const heapBefore = await heapAfterGc(cdp);
    const past0 = await hist();
    await page.locator(`.react-flow__node[data-id="${settings}"] .flow-node-header`).click();
    for (let i = 0; i < 50; i++) {
      await page.locator(i % 2 ? negative : prompt).click();
      await page.keyboard.press('End');
      await page.keyboard.type('x');
    }
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    const past1 = await hist();
    for (let i = 0; i < 50; i++) await page.keyboard.press('Control+z');
    await page.waitForFunction(
      (n) =>
        (window as unknown as { __fooocusFlow: { history(): { past: number } } }).__fooocusFlow.history()
          .past === n,
      past1 - 50,
    );
    const heapAfter = await heapAfterGc(cdp);
    out['undo steps recorded by the 50 edits'] = past1 - past0;
    out['JS heap after GC, after 50 edits + 50 undos'] = mb(heapAfter);
    out['JS heap growth per edit+undo step'] =
      `${((heapAfter - heapBefore) / 100 / 1024).toFixed(1)} KB (a photo: ${mb(files[0]!.bytes)})`;
    await ctx.close();

    Object.assign(out, await benchPhotoDrop(browser, preview.url, dropped));
    out['load average at end'] = loadAverage();
  } finally {
    await browser.close();
    preview.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** The generated photos `from`..`to`-1 written into `dir` (the same seeds in every part of this bench). */
async function writePhotos(dir: string, from: number, to: number) {
  const out: { path: string; hash: string; bytes: number }[] = [];
  for (let i = from; i < to; i++) {
    const jpg = await photo(1000 + i * 7919);
    const path = join(dir, `photo-${i}.jpg`);
    writeFileSync(path, jpg);
    out.push({ path, hash: createHash('sha256').update(jpg).digest('hex'), bytes: jpg.length });
  }
  return out;
}

const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(', ');

/**
 * `npm run bench "photo drop"`: only the ten photos dropped at once while typing (drop → first and
 * last thumbnail in the DOM, typing latency, long tasks), without the rest of this part.
 */
export async function benchPhotoDropOnly(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'fooocus-flow-photos-'));
  const out: Record<string, string | number> = {};
  const dropped = await writePhotos(dir, 0, 10);
  out['photos'] =
    `${dropped.length} × ${W}×${H} JPEG, ${mb(Math.min(...dropped.map((f) => f.bytes)))}–${mb(Math.max(...dropped.map((f) => f.bytes)))}`;
  out['load average at start (1, 5, 15 min; 2 cores)'] = loadAverage();
  const preview = await startPreview();
  const browser = await launchChromium();
  try {
    Object.assign(out, await benchPhotoDrop(browser, preview.url, dropped));
    out['load average at end'] = loadAverage();
  } finally {
    await browser.close();
    preview.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
