/**
 * A hostile or broken FooocusAPI server answering a result URL: an endless body, a stated size
 * over the cap, a decompression bomb's header. Real HTTP servers on 127.0.0.1; the download stops
 * (the server sees its connection closed), the error names the URL and the task, and the run's
 * journal is kept so the results can be downloaded again.
 */
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { MAX_RESULT_IMAGE_BYTES, readImageBody } from '../../api/bounded-image.ts';
import { createFooocusClient } from '../../api/client.ts';
import { FooocusApiError } from '../../api/errors.ts';
import { runCommand } from '../../cli/run.ts';
import { MAX_IMAGE_PIXELS } from '../../compiler/prepare/pixel-budget.ts';
import { record, sendJson, startFakeServer, STUB, TASK_ID, type FakeServer } from '../api/fake-server.ts';
import { captureIo, listDir, removeTempDirs, tempDir, writeTemplate } from './run-helpers.ts';

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await removeTempDirs();
});

const FAST = { intervalMs: 5, backoff: { baseMs: 2, maxMs: 20 }, searchGraceMs: 0, queueCheckMs: 0 };

/** The first bytes of a PNG whose IHDR claims width×height (the rest never needs to exist). */
function pngHead(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b[24] = 8;
  b[25] = 2;
  return b;
}

/**
 * Sends `head`, then zeros for ever, as fast as the client reads; resolves with the bytes sent once
 * the client closes the connection (it never ends by itself, so resolving proves the client cut it).
 */
function endless(res: ServerResponse, head: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024);
    let sent = head.length;
    let closed = false;
    res.on('close', () => {
      closed = true;
      resolve(sent);
    });
    res.writeHead(200, { 'content-type': 'image/png' });
    res.write(head);
    const pump = () => {
      while (!closed && res.write(chunk)) sent += chunk.length;
      if (!closed) sent += chunk.length;
    };
    res.on('drain', pump);
    pump();
  });
}

describe('downloading a result image: bounded bytes, pixel budget on the header', () => {
  it('an endless body is cut at the cap: a bad-reply naming the URL, the connection closed', async () => {
    let closed: Promise<number> | undefined;
    fake = await startFakeServer((_req, res) => {
      closed = endless(res, pngHead(1024, 1024));
    });
    const client = createFooocusClient({ baseUrl: fake.url, maxImageBytes: 1024 * 1024 });
    const url = `${fake.url}/outputs/d/endless.png`;
    const err = await client.download(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FooocusApiError);
    expect((err as FooocusApiError).kind).toBe('bad-reply');
    expect((err as FooocusApiError).message).toBe(
      `The Fooocus server sent an unexpected reply to the download of ${url}: a reply larger than 1 MB (not read further). Is this really FooocusAPI v3?`,
    );
    // The server's endless write ends only because the client closed the connection.
    const sent = await closed!;
    expect(sent).toBeGreaterThan(1024 * 1024);
  });

  it('a stated Content-Length over the cap is refused before the body is read', async () => {
    // 33 bytes of a stated 256 MB, then silence: reading would wait for the 30 s request timeout.
    fake = await startFakeServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'image/png',
        'content-length': String(MAX_RESULT_IMAGE_BYTES + 1),
      });
      res.write(pngHead(100, 100));
    });
    const url = `${fake.url}/outputs/d/huge.png`;
    const err = await createFooocusClient({ baseUrl: fake.url })
      .download(url)
      .catch((e: unknown) => e);
    expect((err as FooocusApiError).kind).toBe('bad-reply');
    expect((err as FooocusApiError).message).toContain(`download of ${url}: a reply larger than 256 MB`);
  });

  it("a bomb's header is refused as soon as it arrives, without reading the rest", async () => {
    let closed: Promise<number> | undefined;
    fake = await startFakeServer((_req, res) => {
      closed = endless(res, pngHead(16000, 16000));
    });
    const url = `${fake.url}/outputs/d/bomb.png`;
    // The default cap (256 MB) is far away: the header alone stops the download.
    const err = await createFooocusClient({ baseUrl: fake.url })
      .download(url)
      .catch((e: unknown) => e);
    expect((err as FooocusApiError).kind).toBe('bad-reply');
    expect((err as FooocusApiError).message).toContain(
      `download of ${url}: an image whose header says 16000×16000 pixels, over the budget of 67,108,864 pixels`,
    );
    expect(await closed!).toBeLessThan(MAX_RESULT_IMAGE_BYTES / 4);
  });

  it('real images within the budget come back byte for byte (PNG; a JPEG whose size follows 60 KB of EXIF)', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c84' } })
      .png()
      .toBuffer();
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#48c' } })
      .jpeg()
      .withExifMerge({ IFD0: { ImageDescription: 'x'.repeat(60_000) } })
      .toBuffer();
    const files: Record<string, Buffer> = { '/outputs/d/a.png': png, '/outputs/d/b.jpg': jpeg };
    fake = await startFakeServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      // In small pieces, so the header check sees the body arrive a little at a time.
      const body = files[req.url]!;
      for (let i = 0; i < body.length; i += 1000) res.write(body.subarray(i, i + 1000));
      res.end();
    });
    const client = createFooocusClient({ baseUrl: fake.url });
    expect(Buffer.from(await client.download(`${fake.url}/outputs/d/a.png`))).toEqual(png);
    expect(Buffer.from(await client.download(`${fake.url}/outputs/d/b.jpg`))).toEqual(jpeg);
  });

  it('the cap is an uncompressed RGBA image of the pixel budget', async () => {
    expect(MAX_RESULT_IMAGE_BYTES).toBe(MAX_IMAGE_PIXELS * 4);
    // A real JPEG whose frame header (SOF0) is rewritten to state 9000×9000 is refused as is.
    const bomb = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    const sof = bomb.findIndex((b, i) => b === 0xff && bomb[i + 1] === 0xc0);
    bomb.writeUInt16BE(9000, sof + 5);
    bomb.writeUInt16BE(9000, sof + 7);
    await expect(readImageBody(new Response(bomb))).rejects.toThrow(/9000×9000/);
  });
});

describe('fooocus-flow run: a hostile result image', () => {
  it('a bomb at the result URL: exit 1, the URL and task named, nothing saved, the journal kept', async () => {
    let closed: Promise<number> | undefined;
    fake = await startFakeServer((req, res) => {
      if (req.method === 'POST') return sendJson(res, 200, STUB);
      if (req.url.startsWith('/tasks/'))
        return sendJson(res, 200, record({ result: ['http://127.0.0.1:7866/outputs/d/bomb.png'] }));
      if (req.url === '/outputs/d/bomb.png') {
        closed = endless(res, pngHead(16000, 16000));
        return;
      }
      res.writeHead(404).end();
    });
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'text-to-image');
    const io = captureIo();
    const code = await runCommand([file, '--out', join(dir, 'out'), '--api', fake.url, '--poll'], io, {
      tuning: FAST,
    });
    expect(code).toBe(1);
    const err = io.stderr.text;
    expect(err).toContain(
      `Saving the results failed (bad-reply): The Fooocus server sent an unexpected reply to the download of ${fake.url}/outputs/d/bomb.png: an image whose header says 16000×16000 pixels`,
    );
    expect(err).toMatch(
      new RegExp(
        `Task ${TASK_ID} is done on the server and recorded in .*run-journal\\.json; nothing is lost\\. Download the results again with: fooocus-flow run --resume `,
      ),
    );
    expect(await listDir(join(dir, 'out'))).toEqual(['run-journal.json']);
    expect(await closed!).toBeLessThan(MAX_RESULT_IMAGE_BYTES / 4);
  });
});
