/**
 * `npm test`: every test, browser tests included. Unit and integration tests (vitest), then the
 * editor's browser tests (Playwright driving Debian's Chromium). Fails if any step fails.
 */
import { spawnSync } from 'node:child_process';
import { findChromium } from './chromium.ts';

function step(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`✗ ${name} failed (exit ${r.status ?? r.signal}) after ${secs} s`);
    process.exit(r.status || 1);
  }
  console.log(`✓ ${name} (${secs} s)`);
}

const node = process.execPath;
step('unit and integration tests (vitest)', node, ['node_modules/vitest/vitest.mjs', 'run']);
const chromium = findChromium();
console.log(`Chromium: ${chromium}`);
step('browser tests (Playwright + Chromium)', node, ['node_modules/@playwright/test/cli.js', 'test'], {
  ...process.env,
  CHROMIUM_PATH: chromium,
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
});
