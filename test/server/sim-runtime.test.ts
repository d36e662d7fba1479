/**
 * The simulated engine at run time (fooocusapi-runtime.md): drainers read one update per tick and
 * drop queued previews, only a task's own drainer finalises its row, "current" is one global that
 * flips, overlapping streams break the second one. Races are replayed with `manualTick` (drainers
 * move only on `sim.tick()`) and holds, never with sleeps.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import {
  JSON_HEADERS,
  postJson,
  rawRequest,
  settle,
  sseEvents,
  waitFor,
  type TaskRecord,
} from './helpers.ts';

let sim: SimEngine;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, manualTick: true });
});
afterAll(() => sim.close());
afterEach(async () => {
  // Let every drainer run out, then wait for an idle worker.
  sim.releaseHolds();
  await tickUntil(async () => sim.state().draining.length === 0 && sim.state().working === null);
  await settle(sim);
});

const LIGHTNING = { performance_selection: 'Lightning' };

async function tickUntil(done: () => Promise<boolean> | boolean, what = 'the condition'): Promise<void> {
  await waitFor(async () => {
    if (await done()) return true;
    if ((await sim.tick()) === 0) await new Promise((r) => setImmediate(r));
    return undefined;
  }, what);
}

async function submitAsync(body: Record<string, unknown> = {}): Promise<string> {
  const res = await postJson(sim.url, '/v1/engine/generate/', { async_process: true, ...LIGHTNING, ...body });
  return ((await res.json()) as { task_id: string }).task_id;
}

async function taskText(id: string): Promise<string> {
  return (await rawRequest(`${sim.url}/tasks/${id}`)).body.toString('utf8');
}

async function task(id: string): Promise<TaskRecord> {
  return JSON.parse(await taskText(id)) as TaskRecord;
}

async function pngCount(): Promise<number> {
  const dates = await readdir(join(sim.dataDir, 'outputs'));
  const files = await Promise.all(dates.map((d) => readdir(join(sim.dataDir, 'outputs', d))));
  return files.flat().filter((f) => f.endsWith('.png')).length;
}

/** Collects a stream's events in the background. */
function collect(res: Response) {
  const events: Record<string, unknown>[] = [];
  const ended = (async () => {
    for await (const e of sseEvents(res)) events.push(e);
  })();
  return { events, ended };
}

describe('progress lags behind the worker', () => {
  it('one update per tick; a preview followed by another queued update is dropped', async () => {
    const held = sim.hold({ step: 3 });
    const id = await submitAsync();
    await held.reached; // the worker has queued every update up to "Sampling step 3/4"
    expect(await sim.tick()).toBe(1);
    // The drainer has seen one update (dropped: others are queued): running, progress still 0.0.
    const first = await taskText(id);
    expect(first).toContain('"task_status":"running"');
    expect(first).toContain('"progress":0.0');
    expect(first).toContain('"preview":""');
    const seen = new Set<unknown>();
    let ticks = 1;
    while (sim.state().draining.includes(id) && (await task(id)).progress === 0) {
      await sim.tick();
      ticks++;
      seen.add((await task(id)).progress);
    }
    // Every intermediate update was dropped: 0.0 jumps straight to the step-3 percent.
    expect((await task(id)).progress).toBe(78);
    expect([...seen].filter((p) => p !== 0 && p !== 78)).toEqual([]);
    expect(ticks).toBeGreaterThan(4);
    expect((await task(id)).preview).toMatch(/^[A-Za-z0-9+/]+=*$/);
    held.release();
    await tickUntil(async () => (await task(id)).task_status === 'finished', 'finished');
  });
});

describe('CurrentTask is one global', () => {
  it('flips to the second task while the first is still drained, then is cleared while the second runs', async () => {
    const holdA = sim.hold({ step: 1 });
    const a = await submitAsync({ image_seed: 1 });
    await holdA.reached;
    await sim.tick();
    expect(sim.state().current).toBe(a);
    const b = await submitAsync({ image_seed: 2 });
    const holdB = sim.hold({ step: 1, taskId: b });
    holdA.release();
    await holdB.reached; // A is done on the worker; its drainer has a backlog; B queued its updates
    expect(sim.state().working).toBe(b);

    await sim.tick(); // B's drainer sees its first update and takes "current"
    expect(sim.state().current).toBe(b);
    expect(sim.state().draining).toContain(a);
    expect(await task(a)).toMatchObject({ task_status: null, result: null }); // A is not current any more
    expect((await task(b)).task_status).toBe('running');

    // A's drainer reaches A's finish: it clears "current" and finalises A.
    await tickUntil(async () => (await task(a)).task_status === 'finished', 'A finished');
    expect(sim.state().current).toBeNull();
    expect(sim.state().working).toBe(b);
    expect(await task(b)).toMatchObject({ task_status: null, result: null }); // running, shown as pending
    const stop = await fetch(`${sim.url}/v1/engine/control?action=stop`, { method: 'POST' });
    expect(await stop.json()).toEqual({ message: 'No task running' });

    holdB.release();
    await tickUntil(async () => (await task(b)).task_status === 'finished', 'B finished');
    expect((await task(b)).result).toHaveLength(1);
  });
});

describe('streams', () => {
  it('two overlapping streams: the second breaks when the first clears "current", and is never recorded', async () => {
    const holdA = sim.hold({ step: 1 });
    const streamA = collect(
      await postJson(sim.url, '/v1/engine/generate/', { stream_output: true, image_seed: 1, ...LIGHTNING }),
    );
    const { taskId: a } = await holdA.reached;
    await sim.tick();
    const holdB = sim.hold({ step: 1 }); // A is past step 1: the next task to get there is B
    const streamB = collect(
      await postJson(sim.url, '/v1/engine/generate/', { stream_output: true, image_seed: 2, ...LIGHTNING }),
    );
    holdA.release();
    const { taskId: b } = await holdB.reached;
    expect(b).not.toBe(a);
    await sim.tick();
    expect(sim.state().current).toBe(b);

    await tickUntil(async () => !sim.state().draining.includes(a), 'stream A done');
    await streamA.ended;
    expect(streamA.events.at(-1)).toMatchObject({ message: 'Finished', progress: 100 });
    expect((await task(a)).task_status).toBe('finished');

    holdB.release(); // B's next progress write meets an empty "current"
    await tickUntil(async () => !sim.state().draining.includes(b), 'stream B broken');
    await streamB.ended;
    expect(streamB.events.map((e) => e.message)).not.toContain('Finished');
    await waitFor(async () => (sim.state().working === null ? true : undefined), 'B done on the worker');
    expect(await task(b)).toMatchObject({ task_status: null, result: null, finish_mills: null });
  });

  it('a dropped stream: the task still runs and writes its files, its row is never finalised', async () => {
    const before = await pngCount();
    const held = sim.hold({ step: 2 });
    const abort = new AbortController();
    // Read in the background: an unread, unreferenced body may be collected and its connection closed.
    const stream = collect(
      await fetch(`${sim.url}/v1/engine/generate/`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ stream_output: true, ...LIGHTNING }),
        signal: abort.signal,
      }),
    );
    const { taskId } = await held.reached;
    await tickUntil(() => stream.events.length === 1, 'the stream drainer started');
    expect(sim.state().current).toBe(taskId);
    abort.abort();
    await stream.ended;
    await waitFor(
      async () => (sim.state().draining.includes(taskId) ? undefined : true),
      'the server noticing the drop',
    );
    held.release();
    await waitFor(async () => (sim.state().working === null ? true : undefined), 'the worker done');
    // Still "current" (nobody cleared it): GET /tasks/{id} keeps saying running; the row stays null.
    expect((await task(taskId)).task_status).toBe('running');
    const listing = (await (await fetch(`${sim.url}/tasks?query=history&page_size=100`)).json()) as {
      history: TaskRecord[];
    };
    expect(listing.history.find((r) => r.task_id === taskId)).toMatchObject({
      task_status: null,
      result: null,
    });
    // Its image was written all the same (GPU time was spent).
    expect(await pngCount()).toBe(before + 1);
  });

  it('drop-mid-stream: N events, then the socket is cut when the next is due; the task is never recorded', async () => {
    const held = sim.hold({ step: 2 });
    const fault = sim.inject({ kind: 'drop-mid-stream', events: 1 });
    const stream = collect(
      await postJson(sim.url, '/v1/engine/generate/', { stream_output: true, ...LIGHTNING }),
    );
    const { taskId } = await held.reached;
    // While the worker waits at step 2, the drainer drops the queued previews and sends only step 2.
    await tickUntil(() => stream.events.length === 1, 'the step-2 event');
    expect(stream.events[0]).toMatchObject({ message: 'Sampling step 2/4, image 1/1 ...' });
    held.release();
    await tickUntil(() => !sim.state().draining.includes(taskId), 'the cut');
    await fault.fired;
    await stream.ended;
    expect(stream.events).toHaveLength(1);
    await waitFor(async () => (sim.state().working === null ? true : undefined), 'the worker done');
    expect(await task(taskId)).toMatchObject({ task_status: 'running', result: [] }); // still "current"
  });
});
