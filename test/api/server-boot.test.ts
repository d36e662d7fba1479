/**
 * The server's start-up stamp (api/server-boot.ts): read from `GET /tasks`'s `end_at` default in
 * `/openapi.json` as FastAPI renders upstream's `datetime.now().isoformat()`; anything else is no
 * stamp. Against the simulated engine it changes on a restart and on nothing else.
 */
import { createFooocusClient } from '../../api/client.ts';
import { bootStampOf } from '../../api/server-boot.ts';
import { startSimEngine } from '../../server/sim/index.ts';

/** The shape FastAPI gives `get_tasks(..., end_at: str = datetime.now().isoformat())`. */
const fastApi = (endAt: unknown) => ({
  openapi: '3.1.0',
  paths: {
    '/tasks': {
      get: {
        parameters: [
          { name: 'query', in: 'query', required: false, schema: { type: 'string', default: 'all' } },
          { name: 'end_at', in: 'query', required: false, schema: { type: 'string', default: endAt } },
        ],
      },
    },
  },
});

describe('server start-up stamp', () => {
  it('is the end_at default of GET /tasks; anything else is no stamp', () => {
    expect(bootStampOf(fastApi('2024-06-01T10:11:12.345678'))).toBe('2024-06-01T10:11:12.345678');
    expect(bootStampOf(fastApi(17))).toBeNull();
    expect(bootStampOf(fastApi(''))).toBeNull();
    expect(bootStampOf(fastApi('x'.repeat(65)))).toBeNull();
    expect(bootStampOf({ paths: { '/tasks': { get: {} } } })).toBeNull();
    expect(bootStampOf({ paths: 'nope' })).toBeNull();
    expect(bootStampOf(null)).toBeNull();
  });

  it('the simulated engine publishes one per run: the same until a restart, another after it', async () => {
    const sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
    try {
      const stamp = () => createFooocusClient({ baseUrl: sim.url }).bootStamp();
      const first = await stamp();
      expect(first).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
      expect(await stamp()).toBe(first);
      await sim.kill();
      await sim.restart();
      // A fresh connection: the old keep-alive socket died with the killed engine.
      let after: string | null = null;
      for (let i = 0; i < 3 && after === null; i++) after = await stamp().catch(() => null);
      expect(after).not.toBeNull();
      expect(after).not.toBe(first);
    } finally {
      await sim.close();
    }
  });

  it('a server that does not publish /openapi.json is asked once, then no more', async () => {
    let asked = 0;
    const client = createFooocusClient({
      baseUrl: 'http://127.0.0.1:9',
      fetch: () => {
        asked++;
        return Promise.resolve(new Response('', { status: 404 }));
      },
    });
    expect(await client.bootStamp()).toBeNull();
    expect(await client.bootStamp()).toBeNull();
    expect(asked).toBe(1);
  });
});
