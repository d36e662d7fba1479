/**
 * `npm start`: build the editor if needed, start the simulated FooocusAPI and the app server.
 *
 * Stopping: Ctrl+C (SIGINT), SIGTERM or SIGHUP to this process closes both servers (open
 * connections included, the engine's temp folder removed) and exits 0. A signal that arrives while
 * starting stops the start-up the same way.
 *
 * `npm start` runs `exec node …` through `sh -c`, so the shell is replaced by this process and npm
 * forwards SIGTERM/SIGINT to us directly (without `exec`, dash stays in between: it dies of SIGTERM
 * without passing it on, and waits forever on SIGINT). As a fallback, under npm this process also
 * stops when npm goes away (e.g. SIGKILL to npm), or when its shell parent and npm do if the script
 * is run without `exec`; checked every 250 ms.
 *
 * A start failure (e.g. a port in use) closes whatever already started and exits 1 with a hint.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { launch, LaunchAborted, LaunchError, type Launched } from './launch.ts';

const PARENT_POLL_MS = 250;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ps(field: 'ppid' | 'comm', pid: number): string | null {
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may contain spaces and parentheses.
      if (field === 'comm') return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? null;
    }
    if (process.platform === 'win32') return null;
    return execFileSync('ps', ['-o', `${field}=`, '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** The processes whose exit means "npm start is over": npm, and the shell between us if any. */
function npmAncestors(): number[] {
  const parent = process.ppid;
  const watched = [parent];
  const comm = ps('comm', parent) ?? '';
  if (/(^|\/)(sh|dash|bash|zsh|ash|ksh)$/.test(comm)) {
    const grand = Number(ps('ppid', parent));
    if (Number.isInteger(grand) && grand > 1) watched.push(grand);
  }
  return watched.filter((p) => p > 1);
}

/** Calls `onGone` once npm (or the shell it ran us in) has exited. Only when run by an npm script. */
function watchParents(onGone: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const watched = npmAncestors();
  if (watched.length === 0) return;
  const timer = setInterval(() => {
    if (watched.every(alive)) return;
    clearInterval(timer);
    onGone();
  }, PARENT_POLL_MS);
  timer.unref();
}

const starting = new AbortController();
let launched: Launched | null = null;
let stopping = false;

function stop(why: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`\n${why}: stopping Fooocus Flow ...`);
  starting.abort();
  // Not launched yet: the start-up sees the abort, closes what it started and exits below.
  if (launched) void launched.close().finally(() => process.exit(0));
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
watchParents(() => stop('npm exited'));

try {
  launched = await launch(process.env, (line) => console.log(line), starting.signal);
  if (stopping) await launched.close().finally(() => process.exit(0));
} catch (err) {
  if (err instanceof LaunchAborted) process.exit(0);
  const message = err instanceof LaunchError ? err.message : err instanceof Error ? err.message : String(err);
  console.error(`Fooocus Flow could not start: ${message}`);
  process.exit(1);
}
