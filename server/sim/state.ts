/** Everything the simulator's routes share, for one run of the engine (a restart makes a new one). */
import type { FaultQueue } from './faults.ts';
import type { HistoryDb } from './history.ts';
import type { FetchPolicy } from './images.ts';
import type { CurrentTask } from './tasks.ts';
import type { Ticker } from './ticker.ts';
import type { SimWorker } from './worker.ts';

export interface SimState {
  dataDir: string;
  apiKey: string | undefined;
  speed: number;
  /** The drainers' clock: a read of a task's updates every 0.2 s upstream (ticker.ts). */
  ticker: Ticker;
  /** Interval of the `: ping` comments on open SSE streams (15 s upstream). */
  ssePingMs: number;
  /** Ids of the tasks whose drainer is alive. */
  draining: Set<string>;
  /** Origin used in result and input URLs (http://127.0.0.1:<port>, like FooocusAPI's default --base-url). */
  baseUrl: string;
  history: HistoryDb;
  current: CurrentTask;
  worker: SimWorker;
  faults: FaultQueue;
  fetchPolicy: FetchPolicy;
  models: readonly string[];
  loras: readonly string[];
  /** `/tasks` end_at default: the server start time (an upstream bug, contract §6.1). */
  startedAt: number;
  /**
   * The same instant as upstream's openapi.json shows it (end_at's default, local time with
   * microseconds): unique per run of the engine, so it tells a restart.
   */
  startedIso: string;
  /** Aborted when this run of the engine is killed or closed: every drainer stops. */
  signal: AbortSignal;
}
