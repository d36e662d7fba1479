/**
 * Peers that hold a connection open: an idle kept-alive client of the app server is closed, and an
 * image server that stalls in the middle of a `--fetch-images` download is given up on at the time
 * limit. Both tests wait for the state (the socket's close, the refusal), never for a clock.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../../server/app-server.ts';
import { boundedImageFetch } from '../../server/bounded-fetch.ts';

describe('the app server and an idle kept-alive connection', () => {
  let app: AppServer;
  let dist: string;
  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'ff-idle-'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Fooocus Flow</title>');
    app = await startAppServer({
      port: 0,
      host: '127.0.0.1',
      apiUrl: 'http://127.0.0.1:9',
      distDir: dist,
      keepAliveTimeoutMs: 300,
    });
  });
  afterAll(async () => {
    await app.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('answers, then closes the connection the client keeps open and silent', async () => {
    const { host, port } = new URL(app.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`);
    await closed; // the server hangs up by itself; the client never does
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toMatch(/keep-alive/i);
    expect(text).toContain('<title>Fooocus Flow</title>');
  });
});

describe('--fetch-images and an image server that stalls', () => {
  let server: Server;
  let base: string;
  let closedByClient: Promise<void>;
  beforeAll(async () => {
    let markClosed!: () => void;
    closedByClient = new Promise((r) => (markClosed = r));
    server = createServer((req, res) => {
      // A PNG's first bytes, then nothing, ever: only the client's time limit can end this.
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      req.socket.once('close', markClosed);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('is stopped at the time limit, with a message that says so, and the connection is closed', async () => {
    const fetchImage = boundedImageFetch({ maxBytes: 1024 * 1024, timeoutMs: 300 });
    await expect(fetchImage(`${base}/stall.png`)).rejects.toThrow(
      'the download took longer than 0.3 s, so it was stopped',
    );
    await closedByClient;
  });
});
