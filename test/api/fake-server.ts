/**
 * A tiny scripted HTTP server on 127.0.0.1 (ephemeral port) for client unit tests: each test
 * answers requests with its own handler and can read back what the client sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type FakeHandler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeServer {
  url: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(r);
      Promise.resolve(handler(r, res)).catch((e: unknown) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A port nothing listens on: bind one, then close it. */
export async function closedPort(): Promise<number> {
  const s = await startFakeServer(() => undefined);
  await s.close();
  return s.port;
}

/** The exact SSE framing of FooocusAPI (sse-starlette): `data: <json>\r\ndata: \r\n\r\n`. */
export function sseFrame(event: unknown): string {
  return `data: ${JSON.stringify(event)}\r\ndata: \r\n\r\n`;
}

export const TASK_ID = '0123456789abcdef0123456789abcdef';

export function record(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 7,
    task_id: TASK_ID,
    req_params: {},
    in_queue_mills: 1,
    start_mills: 2,
    finish_mills: 3,
    task_status: 'finished',
    progress: 100,
    webhook_url: '',
    result: ['http://127.0.0.1:7866/outputs/2024-07-26/a.png'],
    ...overrides,
  };
}

export const STUB = record({
  id: -1,
  req_params: {},
  in_queue_mills: -1,
  start_mills: -1,
  finish_mills: -1,
  task_status: 'pending',
  progress: -1,
  preview: '',
  result: [],
});
