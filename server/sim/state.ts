/** Everything the simulator's routes share. */
import type { FaultQueue } from './faults.ts';
import type { FetchPolicy } from './images.ts';
import type { TaskStore } from './tasks.ts';
import type { SimWorker } from './worker.ts';

export interface SimState {
  dataDir: string;
  apiKey: string | undefined;
  speed: number;
  /** Origin used in result and input URLs (http://127.0.0.1:<port>, like FooocusAPI's default --base-url). */
  baseUrl: string;
  store: TaskStore;
  worker: SimWorker;
  faults: FaultQueue;
  fetchPolicy: FetchPolicy;
  models: readonly string[];
  loras: readonly string[];
  /** `/tasks` end_at default: the server start time (an upstream bug, contract §6.1). */
  startedAt: number;
}
