/**
 * `client.cancel`: after giving up on a run, stop our task on the server (a disconnect does not,
 * contract §5.8), and never another client's. Real HTTP against the simulated engine.
 */
import { createFooocusClient } from '../../api/client.ts';
import { FooocusApiError } from '../../api/errors.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';

let sim: SimEngine;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(() => {
  sim.setSpeed(0);
});

/** Run until the first sampling step, then abort the way Ctrl+C does; resolves with the task id seen. */
async function abortMidRun(
  mode: 'poll' | 'stream',
  request: { image_seed: number; prompt: string },
): Promise<string | undefined> {
  const client = createFooocusClient({ baseUrl: sim.url });
  const controller = new AbortController();
  let taskId: string | undefined;
  const e = await client
    .run(request, {
      mode,
      intervalMs: 10,
      signal: controller.signal,
      onSubmitted: (id) => (taskId = id),
      onProgress: (p) => {
        if (p.progress > 0) controller.abort();
      },
    })
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  expect(e).toBeInstanceOf(FooocusApiError);
  expect((e as FooocusApiError).kind).toBe('stopped');
  return taskId;
}

async function statusOf(taskId: string): Promise<string | null> {
  const record = await createFooocusClient({ baseUrl: sim.url }).getTask(taskId);
  return record?.task_status ?? null;
}

describe('client.cancel', () => {
  it('poll: an aborted run keeps running on the server until cancel stops it by task id', async () => {
    sim.setSpeed(20);
    const taskId = await abortMidRun('poll', { image_seed: 11, prompt: 'poll cancel' });
    expect(taskId).toMatch(/^[0-9a-f]{32}$/);
    const client = createFooocusClient({ baseUrl: sim.url });
    // The disconnect alone changed nothing: the task is still the running one.
    expect((await client.listTasks({ query: 'current' })).current[0]?.task_id).toBe(taskId);
    const outcome = await client.cancel({ taskId });
    expect(outcome.state).toBe('stopped');
    expect(outcome.state === 'stopped' && outcome.task?.task_status).toBe('stop');
    expect(await statusOf(taskId!)).toBe('stop');
  });

  it('stream: no task id, so the running task is recognised by its seed and prompt — but its record is never finalised', async () => {
    sim.setSpeed(20);
    const request = { image_seed: 4242, prompt: 'stream cancel' };
    expect(await abortMidRun('stream', request)).toBeUndefined();
    const client = createFooocusClient({ baseUrl: sim.url });
    const outcome = await client.cancel({ request }, { confirmMs: 300 });
    expect(outcome.state).toBe('stopped');
    if (outcome.state !== 'stopped') return;
    // On FooocusAPI only the stream finalises a streamed task: with the stream gone, the row stays
    // null even after the stop (runtime doc §2). This is why runs are followed by polling.
    expect(outcome.task).toBeNull();
    const record = await client.getTask(outcome.taskId);
    expect(record?.req_params?.['prompt']).toBe('stream cancel');
    // Still "running" (the stale in-memory record) or null: never a final state.
    expect([null, 'running']).toContain(record?.task_status ?? null);
  });

  it('never stops another client’s task: a different seed is not ours', async () => {
    sim.setSpeed(5);
    const client = createFooocusClient({ baseUrl: sim.url });
    const theirs = await client.submit({ image_seed: 1, prompt: 'theirs' });
    await expect.poll(async () => (await client.listTasks({ query: 'current' })).current.length).toBe(1);
    const outcome = await client.cancel({ request: { image_seed: 2, prompt: 'ours' } }, { notFoundMs: 300 });
    expect(outcome).toEqual({ state: 'not-found' });
    sim.setSpeed(0);
    expect((await client.follow(theirs, { intervalMs: 10 })).record.task_status).toBe('finished');
  });

  it('a queued task cannot be removed: reported as queued, and the running one is left alone', async () => {
    // Slow enough that the first task is still running when the wait ends.
    sim.setSpeed(40);
    const client = createFooocusClient({ baseUrl: sim.url });
    const first = await client.submit({ image_seed: 5, prompt: 'first' });
    const queued = await client.submit({ image_seed: 6, prompt: 'second' });
    const outcome = await client.cancel({ taskId: queued }, { waitMs: 300 });
    expect(outcome).toEqual({ state: 'queued', taskId: queued });
    sim.setSpeed(0);
    expect((await client.follow(first, { intervalMs: 10 })).record.task_status).toBe('finished');
    expect((await client.follow(queued, { intervalMs: 10 })).record.task_status).toBe('finished');
  });

  it('a task that already ended: nothing to stop', async () => {
    const client = createFooocusClient({ baseUrl: sim.url });
    const result = await client.run({ image_seed: 7, prompt: 'done' }, { intervalMs: 10 });
    const outcome = await client.cancel({ taskId: result.task!.task_id });
    expect(outcome.state).toBe('ended');
    expect(outcome.state === 'ended' && outcome.task.task_status).toBe('finished');
  });

  it('a random seed (-1) without a task id cannot be told apart: nothing is stopped', async () => {
    const client = createFooocusClient({ baseUrl: sim.url });
    expect(await client.cancel({ request: { image_seed: -1 } })).toEqual({ state: 'not-found' });
  });
});
