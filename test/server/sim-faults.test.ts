/**
 * The simulated engine's test API: holds, every fault kind, kill/restart with SQLite-like history,
 * float req_params, the smaller runtime details (runtime doc §4), and the /__sim/ test-control routes
 * that exist only when asked for (also through the app server's proxy).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer } from '../../server/app-server.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { generate, JSON_HEADERS, postJson, rawRequest, settle, waitFor, type TaskRecord } from './helpers.ts';

let sim: SimEngine;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sim-faults-'));
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 0, dataDir });
});
afterAll(async () => {
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
});
afterEach(() => settle(sim));

const LIGHTNING = { performance_selection: 'Lightning' };

async function task(id: string): Promise<TaskRecord> {
  return (await (await fetch(`${sim.url}/tasks/${id}`)).json()) as TaskRecord;
}

async function finished(id: string): Promise<TaskRecord> {
  return waitFor(async () => {
    const t = await task(id);
    return t.task_status && t.task_status !== 'running' ? t : undefined;
  }, `${id} finalised`);
}

async function newestRow(): Promise<TaskRecord> {
  const listing = (await (await fetch(`${sim.url}/tasks?query=history&page_size=1`)).json()) as {
    history: TaskRecord[];
  };
  return listing.history[0]!;
}

describe('holds', () => {
  it('pauses only the named task at its step, until released', async () => {
    const first = sim.hold({ step: 0 });
    const a = (await (
      await postJson(sim.url, '/v1/engine/generate/', { async_process: true, ...LIGHTNING })
    ).json()) as TaskRecord;
    await first.reached;
    const b = (await (
      await postJson(sim.url, '/v1/engine/generate/', { async_process: true, ...LIGHTNING })
    ).json()) as TaskRecord;
    const onB = sim.hold({ step: 2, taskId: b.task_id });
    expect(sim.state().holds.map((h) => [h.step, h.taskId, h.reached?.taskId ?? null])).toEqual([
      [0, null, a.task_id],
      [2, b.task_id, null],
    ]);
    first.release();
    expect(await onB.reached).toEqual({ taskId: b.task_id, step: 2 });
    expect((await finished(a.task_id)).task_status).toBe('finished'); // passed step 2 without pausing
    expect(sim.state().working).toBe(b.task_id);
    expect((await task(b.task_id)).task_status).not.toBe('finished');
    onB.release();
    expect((await finished(b.task_id)).result).toHaveLength(1);
  });
});

describe('faults', () => {
  it('drop-before-reply on generate: the reply is lost, the task is queued and (async) recorded', async () => {
    const before = (await newestRow())?.id ?? 0;
    const fault = sim.inject({ kind: 'drop-before-reply' });
    await expect(
      postJson(sim.url, '/v1/engine/generate/', { async_process: true, image_seed: 77, ...LIGHTNING }),
    ).rejects.toThrow();
    await fault.fired;
    const row = await newestRow();
    expect(row.id).toBe(before + 1);
    expect(row.req_params.image_seed).toBe(77);
    expect((await finished(row.task_id)).task_status).toBe('finished');
  });

  it('drop-before-reply on a stream: queued and played, never recorded', async () => {
    const held = sim.hold({ step: 1 });
    sim.inject({ kind: 'drop-before-reply', path: '/v1/engine/generate/' });
    await expect(
      postJson(sim.url, '/v1/engine/generate/', { stream_output: true, image_seed: 78, ...LIGHTNING }),
    ).rejects.toThrow();
    const { taskId } = await held.reached;
    expect(sim.state().draining).not.toContain(taskId);
    held.release();
    await waitFor(async () => (sim.state().working === null ? true : undefined), 'the worker done');
    expect(await task(taskId)).toMatchObject({ task_status: null, result: null });
  });

  it('drop-poll loses the next GET /tasks/{id} reply only', async () => {
    const rec = await generate(sim.url, {});
    const fault = sim.inject({ kind: 'drop-poll' });
    await expect(fetch(`${sim.url}/tasks`)).resolves.toHaveProperty('status', 200); // not a poll
    await expect(fetch(`${sim.url}/tasks/${rec.task_id}`)).rejects.toThrow();
    await fault.fired;
    expect((await task(rec.task_id)).task_status).toBe('finished');
  });

  it('stall: connections are accepted but nothing is answered until released', async () => {
    const stall = sim.inject({ kind: 'stall' });
    let answered = false;
    const reply = fetch(`${sim.url}/tasks`).then((r) => {
      answered = true;
      return r.status;
    });
    await waitFor(async () => (sim.state().stalledRequests === 1 ? true : undefined), 'a stalled request');
    expect(answered).toBe(false);
    stall.release();
    expect(await reply).toBe(200);
    const timed = sim.inject({ kind: 'stall', ms: 1 });
    await timed.fired;
    expect((await fetch(`${sim.url}/tasks`)).status).toBe(200); // a timed stall ends by itself
  });

  it('http-500-next and finish-empty-next still fire once each', async () => {
    sim.inject({ kind: 'http-500-next' });
    expect((await postJson(sim.url, '/v1/engine/generate/', LIGHTNING)).status).toBe(500);
    sim.inject({ kind: 'finish-empty-next' });
    expect((await generate(sim.url, {})).result).toEqual([]);
    expect((await generate(sim.url, {})).result).toHaveLength(1);
  });
});

describe('kill and restart', () => {
  it('history persists like SQLite: finished rows keep results, rows pending at the kill stay null', async () => {
    const done = await generate(sim.url, { guidance_scale: 7 });
    const held = sim.hold({ step: 2 });
    const inFlight = (await (
      await postJson(sim.url, '/v1/engine/generate/', { async_process: true, ...LIGHTNING })
    ).json()) as TaskRecord;
    await held.reached;
    const queued = (await (
      await postJson(sim.url, '/v1/engine/generate/', { async_process: true, ...LIGHTNING })
    ).json()) as TaskRecord;

    await sim.kill();
    expect(sim.state().running).toBe(false);
    await expect(fetch(`${sim.url}/tasks`)).rejects.toThrow();
    await sim.restart();
    expect(sim.state()).toMatchObject({ boot: 2, running: true, working: null, queued: [], current: null });

    const again = await task(done.task_id);
    expect(again).toMatchObject({ task_status: 'finished', result: done.result });
    expect((await fetch(done.result![0]!, { headers: { accept: '*/*' } })).status).toBe(200);
    const raw = (await rawRequest(`${sim.url}/tasks/${done.task_id}`)).body.toString('utf8');
    expect(raw).toContain('"guidance_scale":7.0');
    expect(raw).toContain('"progress":100.0');
    for (const lost of [inFlight.task_id, queued.task_id])
      expect(await task(lost)).toMatchObject({ task_status: null, result: null, finish_mills: null });
    const next = await generate(sim.url, {});
    expect(next.id).toBe(again.id + 3);
    expect(next.result).toHaveLength(1);
  });
});

describe('runtime details (§4)', () => {
  it('req_params floats are floats; ints stay ints', async () => {
    const rec = await generate(sim.url, {
      guidance_scale: 7,
      sharpness: 2,
      image_number: 1,
      loras: [{ enabled: true, model_name: 'None', weight: 1 }],
    });
    const raw = (await rawRequest(`${sim.url}/tasks/${rec.task_id}`)).body.toString('utf8');
    expect(raw).toContain('"guidance_scale":7.0');
    expect(raw).toContain('"sharpness":2.0');
    expect(raw).toContain('"image_number":1,');
    expect(raw).toContain('"loras":[true,"None",1.0,');
  });

  it('page_size=0 is a 500, page=-1 is page 0, HEAD on API routes is a 405, openapi.json and /docs exist', async () => {
    await generate(sim.url, {});
    expect((await fetch(`${sim.url}/tasks?page_size=0`)).status).toBe(500);
    const history0 = await (await fetch(`${sim.url}/tasks?query=history&page_size=0`)).json();
    expect(history0).toEqual({ history: [], current: [], pending: [] });
    const page0 = await (await fetch(`${sim.url}/tasks?query=history&page=0&page_size=2`)).json();
    const pageMinus = await (await fetch(`${sim.url}/tasks?query=history&page=-1&page_size=2`)).json();
    expect(pageMinus).toEqual(page0);
    const head = await rawRequest(sim.url, { method: 'HEAD', path: '/tasks' });
    expect(head.status).toBe(405);
    expect(head.headers.allow).toBe('GET');
    expect((await rawRequest(sim.url, { method: 'HEAD', path: '/docs' })).status).toBe(200);
    const openapi = (await (await fetch(`${sim.url}/openapi.json`)).json()) as {
      paths: Record<string, object>;
    };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/v1/engine/generate/', '/tasks/{task_id}', '/v1/engine/control']),
    );
    expect(openapi.paths['/v1/engine/generate/']).toHaveProperty('post');
  });
});

describe('SSE keep-alive', () => {
  it('a long stream carries ": ping" comments (every 15 s by default; 20 ms here)', async () => {
    const pinging = await startSimEngine({ port: 0, speed: 0, tickMs: 0, ssePingMs: 20 });
    try {
      const held = pinging.hold({ step: 1 });
      const res = await postJson(pinging.url, '/v1/engine/generate/', { stream_output: true, ...LIGHTNING });
      await held.reached;
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!/\r\n: ping - \d{4}-\d{2}-\d{2}T[^\r]*\r\n\r\n/.test(`\r\n${text}`)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
      held.release();
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
      expect(text).toContain('"message": "Finished"');
    } finally {
      await pinging.close();
    }
  });
});

describe('test-control routes', () => {
  it('exist only with testControl, and the app server forwards them only when told to', async () => {
    expect((await fetch(`${sim.url}/__sim/state`)).status).toBe(404);
    const controlled = await startSimEngine({ port: 0, speed: 0, tickMs: 0, testControl: true });
    const dist = await mkdtemp(join(tmpdir(), 'sim-ctl-dist-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>t</title>');
    const plain = await startAppServer({ port: 0, apiUrl: controlled.url, distDir: dist });
    const forwarding = await startAppServer({
      port: 0,
      apiUrl: controlled.url,
      distDir: dist,
      forwardTestControl: true,
    });
    try {
      const hold = (await (await postJson(controlled.url, '/__sim/hold', { step: 1 })).json()) as {
        id: number;
      };
      const submitted = (await (
        await postJson(controlled.url, '/v1/engine/generate/', { async_process: true, ...LIGHTNING })
      ).json()) as TaskRecord;
      const reached = (await (await fetch(`${controlled.url}/__sim/hold/${hold.id}?wait=1`)).json()) as {
        reached: { taskId: string };
      };
      expect(reached.reached.taskId).toBe(submitted.task_id);

      expect((await fetch(`${plain.url}/api/__sim/state`)).status).toBe(404);
      const state = (await (await fetch(`${forwarding.url}/api/__sim/state`)).json()) as { working: string };
      expect(state.working).toBe(submitted.task_id);
      const fault = await fetch(`${forwarding.url}/api/__sim/fault`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ kind: 'nonsense' }),
      });
      expect(fault.status).toBe(400);

      await postJson(forwarding.url, '/api/__sim/release', { id: hold.id });
      await waitFor(async () => {
        const t = (await (await fetch(`${controlled.url}/tasks/${submitted.task_id}`)).json()) as TaskRecord;
        return t.task_status === 'finished' ? t : undefined;
      }, 'finished after release');

      expect(await (await postJson(controlled.url, '/__sim/restart', {})).json()).toEqual({ boot: 2 });
      // The restart cut every connection: pooled keep-alive sockets fail once, so retry.
      const after = await waitFor(async () => {
        if (controlled.state().boot !== 2 || !controlled.state().running) return undefined;
        try {
          return (await (await fetch(`${controlled.url}/tasks/${submitted.task_id}`)).json()) as TaskRecord;
        } catch {
          return undefined;
        }
      }, 'the restarted engine');
      expect(after.task_status).toBe('finished');
    } finally {
      await Promise.all([plain.close(), forwarding.close()]);
      await controlled.close();
      await rm(dist, { recursive: true, force: true });
    }
  });
});
