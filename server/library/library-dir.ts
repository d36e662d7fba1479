/**
 * Where the workflow library lives: `FOOOCUS_FLOW_WORKFLOWS`, else `<user data dir>/fooocus-flow/workflows`
 * (`$XDG_DATA_HOME` or `~/.local/share` on Linux, `~/Library/Application Support` on macOS,
 * `%APPDATA%` on Windows). The app server and the CLI read the same folder, so a workflow saved in
 * the editor runs as `fooocus-flow run <name>`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const LIBRARY_ENV = 'FOOOCUS_FLOW_WORKFLOWS';

export function defaultLibraryDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[LIBRARY_ENV];
  if (configured) return resolve(configured);
  return join(userDataDir(env), 'fooocus-flow', 'workflows');
}

export const BATCHES_ENV = 'FOOOCUS_FLOW_BATCHES';

/** Where "Run as batch…" keeps its batches: `FOOOCUS_FLOW_BATCHES`, else `<user data dir>/fooocus-flow/batches`. */
export function defaultBatchDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[BATCHES_ENV];
  if (configured) return resolve(configured);
  return join(userDataDir(env), 'fooocus-flow', 'batches');
}

function userDataDir(env: NodeJS.ProcessEnv): string {
  return process.platform === 'win32'
    ? (env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'))
    : process.platform === 'darwin'
      ? join(homedir(), 'Library', 'Application Support')
      : (env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'));
}
