import { rmSync } from 'node:fs';

/**
 * Temp data folders of engines still open. A process that ends without close() (process.exit,
 * an uncaught error) still removes them; only SIGKILL leaves one behind.
 */
const openTempDirs = new Set<string>();
let exitHookInstalled = false;

export function removeOnExit(dir: string): void {
  openTempDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const d of openTempDirs) rmSync(d, { recursive: true, force: true });
  });
}

/** The engine removed its folder itself (close() or a failed start): nothing left to do at exit. */
export function forgetOnExit(dir: string): void {
  openTempDirs.delete(dir);
}
