/** What `startSimEngine` accepts, and the settings every run of one engine shares. */
import { z } from 'zod';
import type { FaultQueue } from './faults.ts';
import type { HoldRegistry } from './holds.ts';

export const optionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  apiKey: z.string().min(1).optional(),
  speed: z.number().min(0).default(0),
  /** ms between two reads of a task's worker updates by its drainer; upstream sleeps 0.2 s. */
  tickMs: z.number().min(0).default(200),
  /** sse-starlette's `: ping` comment interval on open streams. */
  ssePingMs: z.number().min(1).default(15_000),
  /** Drainers move only when the test calls `tick()` (deterministic races); tickMs is then unused. */
  manualTick: z.boolean().default(false),
  dataDir: z.string().min(1).optional(),
  /** Checkpoints and LoRAs the fake install has (defaults: the stock files). */
  models: z.array(z.string()).optional(),
  loras: z.array(z.string()).optional(),
  /** Fetch http(s) image URLs from any host; by default only loopback hosts are fetched. */
  allowRemoteFetch: z.boolean().default(false),
  /** Serve the test-control routes under /__sim/ (holds, faults, restart, state). Tests only. */
  testControl: z.boolean().default(false),
  /**
   * Refuse every request a web browser makes (it carries `Origin` or a `Sec-Fetch-Site` other than
   * `none`). `npm start` sets it: the editor reaches this engine only through the app server, whose
   * proxy sends neither header, so a page on another site cannot use this port to submit tasks or
   * bulk-delete the history (FooocusAPI itself answers any origin with `*`). CLI clients pass.
   */
  refuseBrowsers: z.boolean().default(false),
});

export type SimEngineOptions = z.input<typeof optionsSchema>;

/** Settings shared by every run of the engine (they survive kill/restart). */
export interface EngineConfig {
  opts: z.output<typeof optionsSchema>;
  dataDir: string;
  faults: FaultQueue;
  holds: HoldRegistry;
  speed: number;
  apiKey: string | undefined;
}
