import { readFile } from 'node:fs/promises';

export interface CliIO {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, graphErrors: 1, badInput: 2 } as const;

/** Reads a file (or stdin for "-"), turning I/O failures into one clear line. */
export async function readInput(
  path: string,
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
    }
    return { ok: true, text: await readFile(path, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    return { ok: false, message: `${path}: cannot read (${why})` };
  }
}
