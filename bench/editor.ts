/**
 * Editor figures in Chromium: frame times (and main-thread CPU per mouse move, which a busy machine
 * does not inflate) while dragging a node on 100/300/1000-node graphs, input
 * latency typing in a prompt field on a 300-node graph, time to interactive on a cold load, and the
 * gzipped size of the JavaScript the page loads first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Workflow, type WorkflowNode } from '../nodes/graph.ts';
import { NODE_KINDS } from '../nodes/registry.ts';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import { firstLoadGzip } from './first-load.ts';

const ROOT = join(import.meta.dirname, '..');
/** The build to measure: dist/ unless BENCH_DIST names another (so a bench can run beside other builds). */
const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url: string, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`preview server did not start at ${url}`);
}

/** A graph of n nodes: chains Input Image → Vary → Upscale → … laid out on a grid. */
export function benchGraph(n: number): Workflow {
  const nodes: WorkflowNode[] = [];
  const edges: Workflow['edges'] = [];
  const cols = Math.ceil(Math.sqrt(n));
  nodes.push({
    id: 'promptSettings-1',
    kind: 'promptSettings',
    kindVersion: 1,
    params: NODE_KINDS.promptSettings.params.parse({}),
    position: { x: -320, y: 0 },
  });
  for (let i = 1; i < n; i++) {
    const kind = i % cols === 1 ? 'inputImage' : i % 2 ? 'vary' : 'upscale';
    const id = `${kind}-${i}`;
    nodes.push({
      id,
      kind,
      kindVersion: 1,
      params: NODE_KINDS[kind].params.parse({}) as Record<string, unknown>,
      position: { x: (i % cols) * 320, y: Math.floor(i / cols) * 260 },
    });
    const prev = nodes[nodes.length - 2]!;
    if (kind !== 'inputImage' && prev.kind !== 'promptSettings')
      edges.push({ id: `e${i}`, source: prev.id, sourceHandle: 'image', target: id, targetHandle: 'image' });
  }
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    name: `bench ${n}`,
    description: '',
    nodes,
    edges,
    exposed: [],
    assets: {},
  };
}

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
export const ms = (x: number) => `${x.toFixed(1)} ms`;

async function loadGraph(page: Page, wf: Workflow): Promise<void> {
  await page.evaluate(
    (doc) =>
      (window as unknown as { __fooocusFlow: { loadForBench(d: unknown): void } }).__fooocusFlow.loadForBench(
        doc,
      ),
    wf,
  );
  // A large graph mounts only the nodes in view (app/canvas/Canvas.tsx): wait for the document and
  // for nodes on screen, not for all of them in the DOM.
  await page.waitForFunction(
    (n) =>
      (window as unknown as { __fooocusFlow: { doc(): { nodes: unknown[] } } }).__fooocusFlow.doc().nodes
        .length === n && document.querySelectorAll('.react-flow__node').length > 0,
    wf.nodes.length,
    { timeout: 60000 },
  );
  await page.getByRole('button', { name: 'Fit view', exact: true }).click();
  await page.waitForTimeout(300);
}

/**
 * Main-thread CPU time (thread time, so time waiting for a busy machine's cores does not count) of
 * the renderer between two marks, from a Chromium trace: a figure that stays comparable when other
 * work shares the machine, unlike frame intervals.
 */
async function mainThreadCpuMs(page: Page, work: () => Promise<void>): Promise<number> {
  const browser = page.context().browser()!;
  const path = join(mkdtempSync(join(tmpdir(), 'fooocus-flow-trace-')), 'trace.json');
  await browser.startTracing(page, {
    path,
    categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'],
  });
  await work();
  await browser.stopTracing();
  const events = (JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  rmSync(path, { force: true });
  const main = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const perThread = new Map<string, number>();
  for (const e of events)
    if (e.name === 'RunTask' && main.has(`${e.pid}:${e.tid}`))
      perThread.set(`${e.pid}:${e.tid}`, (perThread.get(`${e.pid}:${e.tid}`) ?? 0) + (e.tdur ?? 0));
  return Math.max(0, ...perThread.values()) / 1000;
}
interface TraceEvent {
  name: string;
  pid: number;
  tid: number;
  tdur?: number;
  args?: { name?: string };
}

const DRAG_MOVES = 60;

async function dragFrames(page: Page, nodeId: string): Promise<{ frames: number[]; cpuPerMove: number }> {
  // Bring the node into view so it can be grabbed (at 1000 nodes the fitted view is clamped at the
  // minimum zoom and the node starts above the canvas: pan to it, same zoom), then record rAF
  // intervals while dragging it.
  const before = await nodePosition(page, nodeId);
  await page.evaluate(
    (id) =>
      (window as unknown as { __fooocusFlow: { showNode(id: string): void } }).__fooocusFlow.showNode(id),
    nodeId,
  );
  await page.waitForTimeout(300);
  const header = page.locator(`.react-flow__node[data-id="${nodeId}"] .flow-node-header`);
  const box = (await header.boundingBox())!;
  // A string, not a function: tsx's name-keeping helper does not exist inside the page.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    let last = performance.now();
    function tick(t) {
      window.__frames.push(t - last);
      last = t;
      if (window.__recording) requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  })()`);
  const cpu = await mainThreadCpuMs(page, async () => {
    await page.mouse.move(box.x + 20, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= DRAG_MOVES; i++)
      await page.mouse.move(box.x + 20 + i * 4, box.y + box.height / 2 + i * 2);
    await page.mouse.up();
  });
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames.slice(2);
  });
  // A drag that grabbed nothing measures an idle page: refuse to report it.
  const after = await nodePosition(page, nodeId);
  if (after.x === before.x && after.y === before.y)
    throw new Error(
      `the drag did not move ${nodeId} (${JSON.stringify(before)} → ${JSON.stringify(after)}, grabbed at ${JSON.stringify(box)})`,
    );
  return { frames, cpuPerMove: cpu / DRAG_MOVES };
}

async function nodePosition(page: Page, nodeId: string): Promise<{ x: number; y: number }> {
  return page.evaluate((id) => {
    const doc = (
      window as unknown as {
        __fooocusFlow: { doc(): { nodes: { id: string; position: { x: number; y: number } }[] } };
      }
    ).__fooocusFlow.doc();
    return doc.nodes.find((n) => n.id === id)!.position;
  }, nodeId);
}

async function typingLatency(page: Page): Promise<number[]> {
  // At the readable minimum zoom the fitted view may leave the node under the palette: bring it in.
  await page.evaluate(() =>
    (window as unknown as { __fooocusFlow: { showNode(id: string): void } }).__fooocusFlow.showNode(
      'promptSettings-1',
    ),
  );
  await page.locator('.react-flow__node[data-id="promptSettings-1"] .flow-node-header').click();
  const field = page.locator('#i-promptSettings-1-prompt');
  await field.click();
  await page.evaluate(`(() => {
    window.__lat = [];
    document.addEventListener('keydown', function () {
      const t0 = performance.now();
      // Latency = key event → the next frame that can show the character.
      requestAnimationFrame(function () { setTimeout(function () { window.__lat.push(performance.now() - t0); }, 0); });
    }, true);
  })()`);
  await page.keyboard.type('a lighthouse on a cliff at dawn, dramatic sky', { delay: 30 });
  await page.waitForTimeout(300);
  return page.evaluate(() => (window as unknown as { __lat: number[] }).__lat);
}

/** Builds the editor when dist/ is missing and serves it with `vite preview` on a free port. */
export async function startPreview(): Promise<{ url: string; stop: () => void }> {
  if (!existsSync(join(DIST, 'index.html'))) {
    const b = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', DIST], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (b.status !== 0) throw new Error('vite build failed');
  }
  const port = await freePort();
  const server: ChildProcess = spawn(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'preview',
      '--outDir',
      DIST,
      '--port',
      String(port),
      '--strictPort',
      '--host',
      '127.0.0.1',
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(url);
  } catch (err) {
    server.kill();
    throw err;
  }
  return { url, stop: () => server.kill() };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

export async function benchEditor(): Promise<Record<string, string | number>> {
  const preview = await startPreview();
  const out: Record<string, string | number> = {};
  const browser = await launchChromium();
  try {
    const url = preview.url;

    // Cold load: a fresh context (empty cache and storage) until the start screen takes clicks.
    {
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(url);
      await page.locator('[data-template="blank"]').waitFor({ state: 'visible' });
      const tti = await page.evaluate(() => performance.now());
      out['time to interactive, cold load (start screen clickable)'] = ms(tti);
      await ctx.close();
    }

    for (const n of [100, 300, 1000]) {
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(url);
      await page.locator('[data-template="blank"]').click();
      const wf = benchGraph(n);
      await loadGraph(page, wf);
      const { frames, cpuPerMove } = await dragFrames(page, wf.nodes[1]!.id);
      out[`drag frame time, ${n} nodes: median`] = ms(pct(frames, 50));
      out[`drag frame time, ${n} nodes: p95`] = ms(pct(frames, 95));
      out[`drag, ${n} nodes: main-thread CPU per mouse move (load-independent)`] = ms(cpuPerMove);
      if (n === 300) {
        const lat = await typingLatency(page);
        out['typing latency in prompt field, 300 nodes: median'] = ms(pct(lat, 50));
        out['typing latency in prompt field, 300 nodes: p95'] = ms(pct(lat, 95));
      }
      await ctx.close();
    }

    const first = firstLoadGzip(DIST);
    out['first-load JavaScript, gzipped (goal ≤ 180 KB; see the part "first load")'] =
      `${(first.js / 1024).toFixed(1)} KiB (${first.files.filter((f) => f.endsWith('.js')).join(', ')})`;
  } finally {
    await browser.close();
    preview.stop();
  }
  return out;
}
