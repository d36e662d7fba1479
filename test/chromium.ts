/**
 * Finds Chromium for the browser tests, the same way on a developer machine and in CI:
 * $CHROMIUM_PATH, then Debian's /usr/bin/chromium, else installs Debian's package through apt when
 * running as root, else stops with the exact command to run. Browser tests never silently skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium(log: (s: string) => void = console.log): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (executable(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file. Unset it or point it at Chromium.`);
  }
  if (executable(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  if (process.getuid?.() === 0) {
    log('Chromium not found: installing Debian\'s "chromium" package with apt-get (one time, ~30 s)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    // The CJK font comes along so the Chinese UI renders in screenshots instead of empty boxes.
    const r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-wqy-microhei'], {
      stdio: 'inherit',
      env,
    });
    if (r.status === 0 && executable(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
    throw new Error('apt-get could not install chromium; see the output above.');
  }
  throw new Error(
    'Chromium is needed for the browser tests and was not found. Install it with:\n' +
      '  sudo apt-get update && sudo apt-get install -y chromium\n' +
      'or set CHROMIUM_PATH to a Chromium binary.',
  );
}
