/**
 * Builds the editor with Vite when dist/index.html is missing or older than any app source.
 * The editor imports app/, nodes/, compiler/ and api/, so all of them count as sources.
 */
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const SOURCE_DIRS = ['app', 'nodes', 'compiler', 'api'];
const SOURCE_FILES = ['vite.config.ts', 'package.json'];

async function mtime(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

async function newestIn(dir: string): Promise<number> {
  let newest = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestIn(path) : ((await mtime(path)) ?? 0));
  }
  return newest;
}

export type BuildState = 'fresh' | 'stale' | 'missing' | 'no-sources';

export async function editorBuildState(root: string, distDir: string): Promise<BuildState> {
  if ((await mtime(join(root, 'app', 'index.html'))) === null) return 'no-sources';
  const built = await mtime(join(distDir, 'index.html'));
  if (built === null) return 'missing';
  let newest = 0;
  for (const dir of SOURCE_DIRS) newest = Math.max(newest, await newestIn(join(root, dir)));
  for (const file of SOURCE_FILES) newest = Math.max(newest, (await mtime(join(root, file))) ?? 0);
  return newest > built ? 'stale' : 'fresh';
}

/**
 * Runs `vite build` with Vite's JS entry (no npx wrapper, so signals reach the real process).
 * Aborting `signal` (Ctrl+C or SIGTERM during the build) stops the build.
 */
export function buildEditor(root: string, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const child = spawn(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
      cwd: root,
      stdio: 'inherit',
    });
    const abort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', abort, { once: true });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => {
      signal?.removeEventListener('abort', abort);
      resolve(code === 0);
    });
  });
}
