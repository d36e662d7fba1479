/**
 * The waits of a batch. The defaults suit real GPU servers; tests and the benchmark shorten them
 * through `FOOOCUS_FLOW_BATCH_TUNING` (a JSON object, validated) because they drive separate
 * processes (`batch`, `worker`) that take no test hooks. Shorter waits make a test fast; what a test
 * asserts never depends on them (it waits for states, not for time).
 */
import { z } from 'zod';

const tuningSchema = z.strictObject({
  /** Pause between polls of a task. */
  intervalMs: z.number().int().min(1).max(60_000).default(250),
  /** No answer at all from a server for this long: the item's task is given up on that server. */
  goneAfterMs: z.number().int().min(1).max(3_600_000).default(120_000),
  /** A task that vanished after an outage (a restart) is judged lost after this long. */
  lostAfterOutageMs: z.number().int().min(1).max(3_600_000).default(60_000),
  /** How often the queue position of a waiting task is read. */
  queueCheckMs: z.number().int().min(1).max(60_000).default(2_000),
  /** Between the two searches for a task whose submit reply was lost. */
  searchGraceMs: z.number().int().min(0).max(60_000).default(3_000),
  /** First pause of a server after it failed (doubles each failure in a row, up to 16×). */
  serverBackoffMs: z.number().int().min(1).max(600_000).default(5_000),
  /** Failures in a row after which a server is taken out of the batch. */
  serverFailures: z.number().int().min(1).max(100).default(3),
  /** BullMQ: how long a worker's hold on an item lasts without renewal (a dead worker's item waits this long). */
  lockMs: z.number().int().min(200).max(600_000).default(30_000),
  /** Items per server at a time: 1 running + 1 waiting in the server's queue. */
  perServer: z.number().int().min(1).max(2).default(2),
  /** First pause of a failed read (poll, download). */
  readBackoffMs: z.number().int().min(1).max(60_000).default(250),
});

export type BatchTuning = z.infer<typeof tuningSchema>;

export function batchTuning(env: NodeJS.ProcessEnv = process.env): BatchTuning {
  const raw = env.FOOOCUS_FLOW_BATCH_TUNING;
  if (!raw) return tuningSchema.parse({});
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('FOOOCUS_FLOW_BATCH_TUNING is not valid JSON');
  }
  const parsed = tuningSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`FOOOCUS_FLOW_BATCH_TUNING: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  return parsed.data;
}
