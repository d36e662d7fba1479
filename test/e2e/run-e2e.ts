// Runs the browser tests alone: `npm run test:e2e`.
import { spawnSync } from 'node:child_process';
const r = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
});
process.exit(r.status ?? 1);
