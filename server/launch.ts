/**
 * What `npm start` does, as a function: read the environment, build the editor when needed, start the
 * simulated engine (unless FOOOCUS_API_URL names another server) and the app server.
 */
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { startAppServer, type AppServer } from './app-server.ts';
import { readSavedTarget } from './app/api-target.ts';
import { buildEditor, editorBuildState } from './build-editor.ts';
import { defaultBatchDir, defaultLibraryDir } from './library/library-dir.ts';
import { startSimEngine, type SimEngine } from './sim/index.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const envSchema = z.object({
  PORT: port(7870),
  SIM_PORT: port(7866),
  SIM_SPEED: z.coerce.number().min(0).default(40),
  /** ms between two reads of a task's updates (FooocusAPI polls every 0.2 s). */
  SIM_TICK_MS: z.coerce.number().min(0).default(200),
  /** "1" serves the simulated engine's /__sim/ test-control routes, also through /api (tests only). */
  SIM_TEST_CONTROL: z.enum(['0', '1']).optional(),
  FOOOCUS_API_URL: z.string().url().optional(),
  /** Key the app server adds to every proxied request (and the simulator then requires). */
  FOOOCUS_API_KEY: z.string().min(1).optional(),
  /** Where the FooocusAPI address chosen in the editor's Settings is kept (default ~/.fooocus-flow/app-server.json). */
  APP_SETTINGS_FILE: z.string().min(1).optional(),
  /** Serve this folder instead of dist/ (no build is attempted for it). */
  DIST_DIR: z.string().min(1).optional(),
  /** "1" skips the editor build check. */
  SKIP_BUILD: z.enum(['0', '1']).optional(),
  /** Comma-separated origins whose pages may use /api besides the app's own (e.g. http://localhost:5173 for `npm run dev`). */
  TRUSTED_ORIGINS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().url()))
    .optional(),
});

/** A start-up failure with a message meant for the user (no stack trace needed). */
export class LaunchError extends Error {}

/** Thrown when the stop signal arrives while starting; everything started so far is closed. */
export class LaunchAborted extends Error {
  constructor() {
    super('stopped while starting');
  }
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** The first free port after `from` (skipping `avoid`), for the hint of a "port in use" error. */
async function nearbyFreePort(from: number, host: string, avoid: number[]): Promise<number | null> {
  for (let p = from + 1; p <= Math.min(65535, from + 30); p++)
    if (!avoid.includes(p) && (await canListen(p, host))) return p;
  return null;
}

async function explainListenError(
  err: unknown,
  variable: 'PORT' | 'SIM_PORT',
  port: number,
  avoid: number[],
): Promise<unknown> {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return err;
  const what = variable === 'PORT' ? 'the app server' : 'the simulated engine';
  const free = await nearbyFreePort(port, HOST, avoid);
  const example = `${variable}=${free ?? port + 1} npm start`;
  const why =
    code === 'EADDRINUSE'
      ? `port ${port} on ${HOST} is already in use (is Fooocus Flow, or something else, already running?)`
      : `port ${port} on ${HOST} may not be opened by this user`;
  return new LaunchError(
    `${what} cannot listen: ${why}. Choose another port with ${variable}=…, e.g. ${example}`,
  );
}

export interface Launched {
  app: AppServer;
  sim: SimEngine | null;
  apiUrl: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function emptyToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
}

/**
 * Starts everything. When any step fails, or `signal` aborts, whatever already started is closed
 * before the promise rejects (with a LaunchError for "port in use", LaunchAborted for the signal).
 */
export async function launch(
  rawEnv: NodeJS.ProcessEnv,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<Launched> {
  const parsedEnv = envSchema.safeParse(emptyToUndefined(rawEnv));
  if (!parsedEnv.success) throw new LaunchError(`invalid environment:\n${z.prettifyError(parsedEnv.error)}`);
  const env = parsedEnv.data;
  const distDir = env.DIST_DIR ? resolve(env.DIST_DIR) : join(ROOT, 'dist');
  const checkAbort = () => {
    if (signal?.aborted) throw new LaunchAborted();
  };

  if (!env.DIST_DIR && env.SKIP_BUILD !== '1') {
    const state = await editorBuildState(ROOT, distDir);
    if (state === 'no-sources')
      log('Editor sources (app/index.html) not found yet: serving without a build.');
    else if (state !== 'fresh') {
      log(`Building the editor (${state === 'missing' ? 'no build yet' : 'sources changed'}) ...`);
      const built = await buildEditor(ROOT, signal);
      checkAbort();
      if (!built) log('Editor build failed: serving the previous build, if any.');
    }
  }
  checkAbort();

  const simUrl = `http://${HOST}:${env.SIM_PORT}`;
  const useSim = !env.FOOOCUS_API_URL || new URL(env.FOOOCUS_API_URL).origin === new URL(simUrl).origin;
  let sim: SimEngine | null = null;
  if (useSim) {
    try {
      sim = await startSimEngine({
        port: env.SIM_PORT,
        host: HOST,
        speed: env.SIM_SPEED,
        tickMs: env.SIM_TICK_MS,
        apiKey: env.FOOOCUS_API_KEY,
        testControl: env.SIM_TEST_CONTROL === '1',
        refuseBrowsers: true,
      });
    } catch (err) {
      throw await explainListenError(err, 'SIM_PORT', env.SIM_PORT, [env.PORT]);
    }
  }
  const apiUrl = sim ? sim.url : env.FOOOCUS_API_URL!;
  const settingsFile = env.APP_SETTINGS_FILE ?? join(homedir(), '.fooocus-flow', 'app-server.json');
  // An address chosen in Settings is used again, unless FOOOCUS_API_URL names one explicitly.
  const saved = env.FOOOCUS_API_URL ? undefined : await readSavedTarget(settingsFile);
  let app: AppServer;
  try {
    checkAbort();
    app = await startAppServer(
      {
        port: env.PORT,
        host: HOST,
        apiUrl,
        apiKey: env.FOOOCUS_API_KEY,
        distDir,
        trustedOrigins: env.TRUSTED_ORIGINS ?? [],
        forwardTestControl: sim !== null && env.SIM_TEST_CONTROL === '1',
        // The workflow library (FOOOCUS_FLOW_WORKFLOWS or the user's data dir), shared with the CLI.
        libraryDir: defaultLibraryDir(rawEnv),
        // "Run as batch…" (FOOOCUS_FLOW_BATCHES or the user's data dir).
        batchDir: defaultBatchDir(rawEnv),
        startApiUrl: saved,
        settingsFile,
      },
      simControl(sim, env.SIM_SPEED),
    );
  } catch (err) {
    await sim?.close();
    throw await explainListenError(err, 'PORT', env.PORT, [env.SIM_PORT]);
  }
  if (signal?.aborted) {
    await Promise.all([app.close(), sim?.close()]);
    throw new LaunchAborted();
  }

  log(`Fooocus Flow: open ${app.url}`);
  if (saved && saved !== apiUrl) log(`FooocusAPI address from Settings (${settingsFile}): ${saved}`);
  log(
    sim
      ? `FooocusAPI: ${sim.url} (simulated engine, ${env.SIM_SPEED} ms per step)`
      : `FooocusAPI: ${apiUrl}${env.FOOOCUS_API_KEY ? ' (API key added by the server)' : ''}`,
  );
  log(`Workflow library: ${defaultLibraryDir(rawEnv)} (FOOOCUS_FLOW_WORKFLOWS to change)`);
  return {
    app,
    sim,
    apiUrl,
    close: async () => {
      await Promise.all([app.close(), sim?.close()]);
    },
  };
}

/** Lets the editor read and set the simulated engine's pace (SimEngine keeps the value itself). */
function simControl(sim: SimEngine | null, initial: number) {
  if (!sim) return undefined;
  let speed = initial;
  return {
    getSpeed: () => speed,
    setSpeed: (ms: number) => {
      speed = ms;
      sim.setSpeed(ms);
    },
  };
}
