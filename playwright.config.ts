import { defineConfig } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PORT = Number(process.env.E2E_PORT ?? 4173);
/** The app server with the simulated engine, for the run tests (test/e2e/run*.spec.ts). */
export const RUN_PORT = Number(process.env.E2E_RUN_PORT ?? 4183);
/** The run server's workflow library (tests empty it first; the CLI reads it for `run <name>`). */
export const E2E_LIBRARY_DIR = join(tmpdir(), `fooocus-flow-e2e-library-${RUN_PORT}`);
const RUN_SIM_PORT = Number(process.env.E2E_RUN_SIM_PORT ?? 4184);
/** ms per simulated step: small, yet slow enough that progress, Stop and a reload mid-run are observable. */
const RUN_SIM_SPEED = Number(process.env.E2E_RUN_SIM_SPEED ?? 12);

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Runs are followed by polling a realistic engine (200 ms tick) on a shared 2-core machine.
  timeout: 120_000,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
  webServer: [
    {
      command: `node node_modules/vite/bin/vite.js build && node node_modules/vite/bin/vite.js preview --port ${PORT} --strictPort --host 127.0.0.1`,
      url: `http://127.0.0.1:${PORT}`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
    {
      // Started after the first entry has built dist/: serves that build, no second build.
      command: 'node --import tsx server/start.ts',
      url: `http://127.0.0.1:${RUN_PORT}/app/config`,
      env: {
        PORT: String(RUN_PORT),
        SIM_PORT: String(RUN_SIM_PORT),
        SIM_SPEED: String(RUN_SIM_SPEED),
        SKIP_BUILD: '1',
        // Browser tests hold runs and inject faults through /api/__sim/* (server/sim/test-control.ts).
        SIM_TEST_CONTROL: '1',
        FOOOCUS_FLOW_WORKFLOWS: E2E_LIBRARY_DIR,
        // "Run as batch…" keeps its batches here (test/e2e/batch.spec.ts), not in the user's data folder.
        FOOOCUS_FLOW_BATCHES: join(tmpdir(), `fooocus-flow-e2e-batches-${RUN_PORT}`),
        // An address changed from Settings in a test is kept here, not in the user's ~/.fooocus-flow.
        APP_SETTINGS_FILE: join(tmpdir(), `fooocus-flow-e2e-${RUN_PORT}`, 'app-server.json'),
      },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
