import { open } from 'node:fs/promises';
import { megabytes } from '../compiler/text-size.ts';

export interface CliIO {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, graphErrors: 1, badInput: 2 } as const;

/**
 * Reads a file (or stdin for "-"), turning I/O failures into one clear line. Never more than
 * `maxBytes` (+1 to notice) are read: a huge file is refused by its size, not after loading it.
 */
export async function readInput(
  path: string,
  maxBytes = 256 * 1024 * 1024,
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  const tooBig = () => ({
    ok: false as const,
    message: `${path}: larger than ${megabytes(maxBytes)}, the most this command reads; is it the right file?`,
  });
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    const handle = path === '-' ? null : await open(path, 'r');
    try {
      if (handle && (await handle.stat()).size > maxBytes) return tooBig();
      const stream = handle ? handle.createReadStream({ autoClose: false }) : process.stdin;
      for await (const c of stream) {
        size += (c as Buffer).length;
        if (size > maxBytes) return tooBig();
        chunks.push(c as Buffer);
      }
    } finally {
      await handle?.close();
    }
    return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    return { ok: false, message: `${path}: cannot read (${why})` };
  }
}
