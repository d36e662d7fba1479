/**
 * What the editor's first load costs: the JavaScript and CSS that `index.html` loads before the
 * editor can paint (its module script, the chunks it preloads, its stylesheet), gzipped as a server
 * would send them. Everything else is fetched when first needed (the run machinery, the compiler,
 * the API client, dialogs, the Chinese catalogue, auto-layout) and is reported apart.
 * Goal (issue 12): first-load JavaScript at or under 180 KB gzipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = join(import.meta.dirname, '..');
const GOAL_KB = 180;

const gz = (dist: string, f: string) => gzipSync(readFileSync(join(dist, f))).length;

/** The first load of a build in `dist`: gzipped bytes of its JavaScript and CSS, and the files. */
export function firstLoadGzip(dist: string): { js: number; css: number; files: string[] } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const sum = (ext: string) => files.filter((f) => f.endsWith(ext)).reduce((n, f) => n + gz(dist, f), 0);
  return { js: sum('.js'), css: sum('.css'), files };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB (${(bytes / 1000).toFixed(1)} KB)`;

export async function benchFirstLoad(): Promise<Record<string, string | number>> {
  const dist = mkdtempSync(join(tmpdir(), 'fooocus-flow-first-load-'));
  try {
    const b = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', dist], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    if (b.status !== 0) throw new Error('vite build failed');
    const first = firstLoadGzip(dist);
    const lazy = readdirSync(join(dist, 'assets'))
      .map((f) => `assets/${f}`)
      .filter((f) => f.endsWith('.js') && !first.files.includes(f));
    const lazyBytes = lazy.reduce((n, f) => n + gz(dist, f), 0);
    return {
      [`first-load JavaScript, gzipped (goal ≤ ${GOAL_KB} KB)`]: kib(first.js),
      'first-load goal met':
        first.js <= GOAL_KB * 1000 ? 'yes' : `no, ${kib(first.js - GOAL_KB * 1000)} over`,
      'first-load CSS, gzipped': kib(first.css),
      'first-load files': first.files.join(', '),
      'fetched when first needed (other chunks), gzipped': `${kib(lazyBytes)} in ${lazy.length} chunks`,
    };
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}
