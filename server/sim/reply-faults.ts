/** The reply-dropping faults (`drop-before-reply`, `drop-poll`): picked per request, armed on its reply. */
import type { IncomingMessage } from 'node:http';
import { GENERATE_PATH, pathMatches, type FaultQueue } from './faults.ts';
import type { Ctx } from './http.ts';

/** Arms a `drop-before-reply`/`drop-poll` fault: whatever reply the route writes destroys the socket. */
export function armDrop(ctx: Ctx, fire: () => void): void {
  const { res } = ctx;
  ctx.dropReply = () => {
    if (res.destroyed) return;
    res.destroy();
    fire();
  };
  res.writeHead = (() => {
    ctx.dropReply!();
    return res;
  }) as unknown as typeof res.writeHead;
  res.flushHeaders = () => ctx.dropReply!();
}

export function takeDrop(faults: FaultQueue, req: IncomingMessage, path: string) {
  const drop = faults.take('drop-before-reply', (f) => pathMatches(f.path ?? GENERATE_PATH, path), {
    fire: false,
  });
  if (drop) return drop;
  if (req.method === 'GET' && /^\/tasks\/[^/]+$/.test(path))
    return faults.take('drop-poll', () => true, { fire: false });
  return undefined;
}
