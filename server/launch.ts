/**
 * What `npm start` does, as a function: read the environment, build the editor when needed, start the
 * simulated engine (unless FOOOCUS_API_URL names another server) and the app server.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { startAppServer, type AppServer } from './app-server.ts';
import { buildEditor, editorBuildState } from './build-editor.ts';
import { startSimEngine, type SimEngine } from './sim/index.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const envSchema = z.object({
  PORT: port(7870),
  SIM_PORT: port(7866),
  SIM_SPEED: z.coerce.number().min(0).default(40),
  FOOOCUS_API_URL: z.string().url().optional(),
  /** Key the app server adds to every proxied request (and the simulator then requires). */
  FOOOCUS_API_KEY: z.string().min(1).optional(),
  /** Serve this folder instead of dist/ (no build is attempted for it). */
  DIST_DIR: z.string().min(1).optional(),
  /** "1" skips the editor build check. */
  SKIP_BUILD: z.enum(['0', '1']).optional(),
});

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

export async function launch(rawEnv: NodeJS.ProcessEnv, log: (line: string) => void): Promise<Launched> {
  const env = envSchema.parse(emptyToUndefined(rawEnv));
  const distDir = env.DIST_DIR ? resolve(env.DIST_DIR) : join(ROOT, 'dist');

  if (!env.DIST_DIR && env.SKIP_BUILD !== '1') {
    const state = await editorBuildState(ROOT, distDir);
    if (state === 'no-sources')
      log('Editor sources (app/index.html) not found yet: serving without a build.');
    else if (state !== 'fresh') {
      log(`Building the editor (${state === 'missing' ? 'no build yet' : 'sources changed'}) ...`);
      if (!(await buildEditor(ROOT))) log('Editor build failed: serving the previous build, if any.');
    }
  }

  const simUrl = `http://${HOST}:${env.SIM_PORT}`;
  const useSim = !env.FOOOCUS_API_URL || new URL(env.FOOOCUS_API_URL).origin === new URL(simUrl).origin;
  let sim: SimEngine | null = null;
  if (useSim)
    sim = await startSimEngine({
      port: env.SIM_PORT,
      host: HOST,
      speed: env.SIM_SPEED,
      apiKey: env.FOOOCUS_API_KEY,
    });
  const apiUrl = sim ? sim.url : env.FOOOCUS_API_URL!;
  let app: AppServer;
  try {
    app = await startAppServer({ port: env.PORT, host: HOST, apiUrl, apiKey: env.FOOOCUS_API_KEY, distDir });
  } catch (err) {
    await sim?.close();
    throw err;
  }

  log(`Fooocus Flow: open ${app.url}`);
  log(
    sim
      ? `FooocusAPI: ${sim.url} (simulated engine, ${env.SIM_SPEED} ms per step)`
      : `FooocusAPI: ${apiUrl}${env.FOOOCUS_API_KEY ? ' (API key added by the server)' : ''}`,
  );
  return {
    app,
    sim,
    apiUrl,
    close: async () => {
      await Promise.all([app.close(), sim?.close()]);
    },
  };
}
