export interface CliIO {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, graphErrors: 1, badInput: 2 } as const;

export { readInput } from '../server/file-io.ts';
