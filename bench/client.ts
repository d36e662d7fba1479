/**
 * Client and simulated-engine figures: the client's own latency after the engine finishes, the
 * request rate the engine sustains with 4 concurrent clients, and the request body size of each
 * seed example. Loopback only; the simulator runs in this process at full speed.
 */
import { createFooocusClient, type FooocusClient } from '../api/client.ts';
import type { FooocusRequest } from '../contract/index.ts';
import { startSimEngine } from '../server/sim/index.ts';
import { seedExamples } from '../test/api/seed-requests.ts';

const RUNS = 20;
const CONCURRENT_CLIENTS = 4;
const THROUGHPUT_REQUESTS = 100;
/**
 * A small, 4-step text-to-image without previews: at 1152×896 with 30 previewed steps the
 * simulator's PNG encoding dominates; this request measures the transport and the task cycle.
 */
const SMALL_REQUEST: FooocusRequest = {
  prompt: 'bench',
  image_seed: 1,
  image_number: 1,
  aspect_ratios_selection: '256*256',
  performance_selection: 'Lightning',
  disable_preview: true,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Engine finish (the task's `finish_mills`, stamped by the in-process simulator) to the moment the
 * client holds the result list. Same process, same clock, so the difference is real.
 */
async function overhead(
  client: FooocusClient,
  mode: 'poll' | 'stream',
  intervalMs?: number,
): Promise<number> {
  const lags: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await client.run(SMALL_REQUEST, { mode, intervalMs });
    const finished = result.task?.finish_mills;
    if (typeof finished !== 'number' || finished <= 0) throw new Error(`no finish time in ${mode} mode`);
    lags.push(result.receivedAt - finished);
  }
  return median(lags);
}

async function throughput(url: string): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    const client = createFooocusClient({ baseUrl: url });
    while (next < THROUGHPUT_REQUESTS) {
      next++;
      await client.run(SMALL_REQUEST, { mode: 'stream', findTask: false });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_CLIENTS }, worker));
  return THROUGHPUT_REQUESTS / ((performance.now() - start) / 1000);
}

export async function benchClient(): Promise<Record<string, string | number>> {
  const sim = await startSimEngine({ port: 0, speed: 0 });
  try {
    const client = createFooocusClient({ baseUrl: sim.url });
    await client.run(SMALL_REQUEST); // warm-up: first image encode, JIT
    const figures: Record<string, string | number> = {
      [`client overhead, poll every 250 ms (median ms of ${RUNS})`]: await overhead(client, 'poll'),
      [`client overhead, poll every 20 ms (median ms of ${RUNS})`]: await overhead(client, 'poll', 20),
      [`client overhead, stream (median ms of ${RUNS})`]: await overhead(client, 'stream'),
      [`engine throughput, ${CONCURRENT_CLIENTS} clients, ${THROUGHPUT_REQUESTS} requests (req/s)`]: Number(
        (await throughput(sim.url)).toFixed(1),
      ),
    };
    for (const example of await seedExamples()) {
      const body = JSON.stringify({ ...example.request, async_process: true, stream_output: false });
      figures[`request body bytes: ${example.name}`] = new TextEncoder().encode(body).length;
    }
    return figures;
  } finally {
    await sim.close();
  }
}
