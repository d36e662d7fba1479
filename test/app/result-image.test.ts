// @vitest-environment node
/**
 * The editor's gallery fetches result images with the CLI's limits: a real HTTP server answering
 * an endless body or a bomb's header is refused (the URL and why reported, nothing decoded), a
 * real image comes through byte for byte.
 */
import sharp from 'sharp';
import { fetchResultImage } from '../../app/run/result-image.ts';
import { startFakeServer, type FakeServer } from '../api/fake-server.ts';

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function pngHead(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

describe('fetchResultImage', () => {
  it("refuses a bomb's header without reading on, naming the URL", async () => {
    let closed!: Promise<void>;
    fake = await startFakeServer((_req, res) => {
      closed = new Promise((resolve) => res.on('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(pngHead(20000, 20000));
      // Never ended: only the client closing the connection ends this reply.
    });
    const refused: [string, string][] = [];
    const url = `${fake.url}/outputs/d/bomb.png`;
    expect(await fetchResultImage(url, (u, why) => refused.push([u, why]))).toBeNull();
    await closed;
    expect(refused).toHaveLength(1);
    expect(refused[0]![0]).toBe(url);
    expect(refused[0]![1]).toMatch(/20000×20000 \(400 Mpx\), more than the 67 Mpx/);
  });

  it('refuses a stated size over the cap', async () => {
    fake = await startFakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(2 ** 30) });
      res.write(pngHead(10, 10));
    });
    const refused: string[] = [];
    expect(await fetchResultImage(`${fake.url}/outputs/d/x.png`, (_u, why) => refused.push(why))).toBeNull();
    expect(refused).toEqual(['the reply is larger than 256 MB (not read further)']);
  });

  it('a real image comes through; a 404 is simply not there', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123' } })
      .png()
      .toBuffer();
    fake = await startFakeServer((req, res) => {
      if (req.url !== '/outputs/d/a.png') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(png);
    });
    const refused: string[] = [];
    const blob = await fetchResultImage(`${fake.url}/outputs/d/a.png`, (u) => refused.push(u));
    expect(Buffer.from(await blob!.arrayBuffer())).toEqual(png);
    expect(blob!.type).toBe('image/png');
    expect(await fetchResultImage(`${fake.url}/outputs/d/none.png`, (u) => refused.push(u))).toBeNull();
    expect(refused).toEqual([]);
  });
});
