/**
 * Images from a shared file are sized by their header and never decoded over the pixel budget (a
 * 30 KB PNG can decode into a gigabyte), and http(s) images are never downloaded unless asked — and
 * then only within a byte and time limit. Real bombs, a real CLI process, a real HTTP server.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareImages } from '../../compiler/prepare/index.ts';
import { nodeImageAdapter } from '../../cli/node-image-adapter.ts';
import type { ImageAdapter } from '../../compiler/prepare/raster.ts';
import { MAX_IMAGE_PIXELS } from '../../compiler/prepare/pixel-budget.ts';
import { openWorkflowText } from '../../compiler/workflow-file/index.ts';
import { MemoryAssetStore } from '../../compiler/assets/memory-store.ts';
import { readInputImage } from '../../server/sim/images.ts';
import { InternalServerError } from '../../server/sim/http.ts';
import { REPO } from '../compiler/helpers.ts';
import { bombPng, dataUrl, inpaintWorkflow } from './bomb-images.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-bomb-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The real CLI in its own process under /usr/bin/time: exit code, output and peak memory (MB). */
function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string; peakMb: number }> {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/time',
      ['-f', 'PEAK_KB=%M', process.execPath, '--import', 'tsx', join(REPO, 'cli/bin.mjs'), ...argv],
      { cwd: REPO, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        const peak = /PEAK_KB=(\d+)/.exec(stderr);
        resolve({
          code: err ? ((err as { code?: number }).code ?? -1) : 0,
          stdout,
          stderr: stderr.replace(/PEAK_KB=\d+\n?/, ''),
          peakMb: peak ? Number(peak[1]) / 1024 : Infinity,
        });
      },
    );
  });
}

/** An adapter that fails the test if anything is decoded. */
function spyAdapter() {
  const calls: string[] = [];
  const adapter: ImageAdapter = {
    ...nodeImageAdapter,
    decode: async (src) => {
      calls.push(`decode ${src.slice(0, 30)}`);
      return nodeImageAdapter.decode(src);
    },
    decodeBytes: async (bytes) => {
      calls.push(`decodeBytes ${bytes.length}`);
      return nodeImageAdapter.decodeBytes(bytes);
    },
  };
  return { adapter, calls };
}

describe('pixel budget', () => {
  it('refuses a bomb as photo, mask and image prompt from its header, without decoding it', async () => {
    const text = inpaintWorkflow({
      photo: dataUrl(bombPng(16000, 1)),
      mask: dataUrl(bombPng(16000, 2)),
      prompt: dataUrl(bombPng(9000, 3)),
    });
    const opened = await openWorkflowText(text, 'bomb.json');
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    const store = new MemoryAssetStore();
    for (const [hash, bytes] of opened.assets) store.add(hash, bytes);
    const spy = spyAdapter();
    const r = await prepareImages(opened.workflow, spy.adapter, store);
    expect(spy.calls).toEqual([]);
    const tooLarge = r.diagnostics.filter((d) => d.code === 'S-image-too-large');
    expect(tooLarge.map((d) => d.nodeId).sort()).toEqual(['inputImage-1', 'inputImage-2', 'mask-1']);
    expect(tooLarge[0]!.severity).toBe('error');
    expect(tooLarge.find((d) => d.nodeId === 'mask-1')!.message.en).toMatch(
      /16000×16000 \(256 Mpx\), more than the 67 Mpx, e\.g\. 8192×8192 .*not decoded/,
    );
  });

  it('decodes an image just inside the budget (the budget is not a blanket refusal)', async () => {
    const side = Math.floor(Math.sqrt(MAX_IMAGE_PIXELS));
    const png = await sharp({ create: { width: side, height: 1, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const r = await nodeImageAdapter.decodeBytes(png);
    expect(r.width).toBe(8192);
    await expect(nodeImageAdapter.decodeBytes(bombPng(8193, 0))).rejects.toThrow(/8193×8193.*not decoded/);
  });

  it('validate of a workflow of three 16000×16000 bombs exits 1 within a few hundred MB, naming each node', async () => {
    const text = inpaintWorkflow({
      photo: dataUrl(bombPng(16000, 4)),
      mask: dataUrl(bombPng(16000, 5)),
      prompt: dataUrl(bombPng(16000, 6)),
    });
    // A fourth bomb as a second image prompt's picture would add nothing new: three distinct ones do.
    const path = join(dir, 'bombs.json');
    await writeFile(path, text);
    const r = await cli('validate', path);
    expect(r.code).toBe(1);
    expect(r.stdout.match(/S-image-too-large/g)).toHaveLength(3);
    expect(r.stdout).toMatch(/mask-1/);
    // Decoding even one of them would need 1 GB of RGBA; before the budget this took 4 GB.
    expect(r.peakMb).toBeLessThan(400);
  }, 60_000);

  it('the simulated engine refuses a bomb before decoding it', async () => {
    const err = await readInputImage(dataUrl(bombPng(16000, 7)), { allowRemote: false }).catch((e) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as Error).message).toMatch(/256000000 pixels\) exceeds limit of 67108864/);
  });

  it('fooocus-flow run --input refuses a bomb file by its header', async () => {
    const png = join(dir, 'bomb.png');
    await writeFile(png, bombPng(16000, 8));
    const wf = join(REPO, 'test/fixtures/workflows/portrait-enhance-exposed.json');
    const r = await cli('run', wf, '--input', `portrait=${png}`, '--out', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--input portrait: .*16000×16000.*not decoded/);
  }, 60_000);
});

/** A real HTTP server that counts requests; `/big` streams until the client hangs up. */
async function imageServer() {
  const smallPng = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
  const seen = { requests: 0, bigBytesWritten: 0, bigClosed: false, statedClosed: false };
  const server: Server = createServer((req, res) => {
    seen.requests++;
    if (req.url === '/small.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(smallPng);
    } else if (req.url === '/big.png') {
      // 1 GB without a Content-Length, 1 MB at a time, respecting back-pressure.
      res.writeHead(200, { 'content-type': 'image/png' });
      const mb = Buffer.alloc(1 << 20, 7);
      res.on('close', () => (seen.bigClosed = true));
      const pump = () => {
        while (!seen.bigClosed && seen.bigBytesWritten < 1 << 30) {
          seen.bigBytesWritten += mb.length;
          if (!res.write(mb)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    } else if (req.url === '/stated.png') {
      // Says 1 GB and sends nothing: refused by its Content-Length alone.
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(1 << 30) });
      res.flushHeaders();
      res.on('close', () => (seen.statedClosed = true));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

describe('image URLs', () => {
  let srv: Awaited<ReturnType<typeof imageServer>>;
  beforeAll(async () => {
    srv = await imageServer();
  });
  afterAll(async () => {
    await srv.close();
  });

  const urlWorkflow = async (name: string, url: string) => {
    const path = join(dir, `${name}.json`);
    await writeFile(path, inpaintWorkflow({ photo: url, mask: url, prompt: url }));
    return path;
  };

  it('validate and compile fetch nothing without --fetch-images', async () => {
    const path = await urlWorkflow('urls', `${srv.base}/small.png`);
    const v = await cli('validate', path);
    const c = await cli('compile', path);
    expect(srv.seen.requests).toBe(0);
    expect(v.code).toBeLessThanOrEqual(1);
    expect(c.stdout).toContain(`${srv.base}/small.png`); // sent as a URL, for the server to fetch
  }, 60_000);

  it('--fetch-images measures the image', async () => {
    const path = await urlWorkflow('urls-fetch', `${srv.base}/small.png`);
    const before = srv.seen.requests;
    const r = await cli('compile', path, '--json', '--fetch-images');
    expect(srv.seen.requests).toBeGreaterThan(before);
    // The mask was fetched, decoded and fitted: it comes back as a data URL of the same size.
    const out = JSON.parse(r.stdout) as { request: Record<string, unknown> };
    expect(String(out.request.inpaint_mask_image_upload)).toMatch(/^data:image\/png;base64,/);
  }, 60_000);

  it('--fetch-images stops an endless download at the byte limit, with a clear message', async () => {
    const path = await urlWorkflow('urls-big', `${srv.base}/big.png`);
    const r = await cli('validate', path, '--fetch-images');
    expect(r.stdout).toMatch(/could not be measured: the download is larger than 50 MB, so it was stopped/);
    expect(srv.seen.bigClosed).toBe(true);
    expect(srv.seen.bigBytesWritten).toBeLessThan(1 << 30);
    expect(r.peakMb).toBeLessThan(400);
  }, 60_000);

  it('--fetch-images refuses a stated Content-Length over the limit without reading the body', async () => {
    const path = await urlWorkflow('urls-stated', `${srv.base}/stated.png`);
    const r = await cli('validate', path, '--fetch-images');
    expect(r.stdout).toMatch(/the download is larger than 50 MB/);
    expect(srv.seen.statedClosed).toBe(true);
  }, 60_000);
});
