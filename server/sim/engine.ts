/**
 * The simulated FooocusAPI v3 server: a real node:http server with the routes, auth, CORS and reply
 * formats of the real one (contract §7 checklist) and a fake GPU worker that writes real images.
 */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionsSchema, type EngineConfig, type SimEngineOptions } from './engine-options.ts';
import { startRun, type EngineRun } from './engine-run.ts';
import { FaultQueue, type FaultHandle, type SimFault } from './faults.ts';
import { HoldRegistry, type Hold, type HoldSpec } from './holds.ts';
import { forgetOnExit, removeOnExit } from './temp-dirs.ts';
import type { SimEngineState, TestControl } from './test-control.ts';

export type { SimEngineOptions } from './engine-options.ts';
export type { SimEngineState } from './test-control.ts';

export interface SimEngine {
  /** e.g. http://127.0.0.1:7866 */
  url: string;
  port: number;
  dataDir: string;
  close(): Promise<void>;
  /** Milliseconds per simulated sampling step (0 = as fast as possible). */
  setSpeed(ms: number): void;
  setApiKey(key: string | undefined): void;
  /** Test-only fault injection (see faults.ts); over HTTP only with `testControl`. */
  inject(fault: SimFault): FaultHandle;
  /** Test-only: pause a task at a sampling step until released (see holds.ts). */
  hold(spec: HoldSpec): Hold;
  /** Test-only: release every hold (clean-up between tests). */
  releaseHolds(): void;
  /**
   * Test-only, with `manualTick: true`: every waiting drainer reads one update; resolves with how
   * many moved once they all rest again.
   */
  tick(): Promise<number>;
  /**
   * Test-only crash: every connection is cut, the in-flight task is lost (its row stays null, like
   * rows of queued tasks), files already written stay. History survives, as SQLite does.
   */
  kill(): Promise<void>;
  /** Starts again on the same port and data folder after kill() (kills first if still running). */
  restart(): Promise<void>;
  state(): SimEngineState;
}

export async function startSimEngine(options: SimEngineOptions = {}): Promise<SimEngine> {
  const opts = optionsSchema.parse(options);
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'fooocus-sim-')));
  if (ownsDataDir) removeOnExit(dataDir);
  await mkdir(join(dataDir, 'outputs'), { recursive: true });
  await mkdir(join(dataDir, 'inputs'), { recursive: true });
  const config: EngineConfig = {
    opts,
    dataDir,
    faults: new FaultQueue(),
    holds: new HoldRegistry(),
    speed: opts.speed,
    apiKey: opts.apiKey,
  };
  let boot = 1;
  let closed = false;
  let current: EngineRun | null = null;

  const state = (): SimEngineState => {
    const sim = current?.sim;
    return {
      boot,
      running: current !== null,
      queued: sim ? [...sim.worker.queuedIds()] : [],
      working: sim?.worker.working()?.taskId ?? null,
      current: sim?.current.ct?.entry.taskId ?? null,
      stopAsked: sim?.current.ct?.entry.control.stop ?? false,
      draining: sim ? [...sim.draining] : [],
      stalledRequests: config.faults.stalledRequests,
      holds: config.holds.info(),
      faults: config.faults.info(),
    };
  };
  const kill = async () => {
    const run = current;
    current = null;
    await run?.stop();
  };
  const restart = async () => {
    if (closed) throw new Error('the engine is closed');
    await kill();
    current = await startRun(config, engine.port, control);
    boot++;
  };
  const control: TestControl | null = opts.testControl
    ? { holds: config.holds, faults: config.faults, restart, state }
    : null;

  try {
    current = await startRun(config, opts.port, control);
  } catch (err) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
    forgetOnExit(dataDir);
    throw err;
  }

  const engine: SimEngine = {
    url: current.sim.baseUrl,
    port: current.port,
    dataDir,
    setSpeed: (ms) => {
      config.speed = Math.max(0, ms);
    },
    setApiKey: (key) => {
      config.apiKey = key || undefined;
    },
    inject: (fault) => config.faults.inject(fault),
    hold: (spec) => config.holds.add(spec),
    releaseHolds: () => config.holds.releaseAll(),
    tick: async () => {
      if (!current) throw new Error('the engine is not running');
      return current.sim.ticker.tick();
    },
    kill,
    restart,
    state,
    close: async () => {
      if (closed) return;
      closed = true;
      config.holds.releaseAll();
      config.faults.inject({ kind: 'clear' });
      await kill();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
      forgetOnExit(dataDir);
    },
  };
  return engine;
}
