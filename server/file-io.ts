/**
 * Small file helpers shared by the CLI and the app server's batch engine: bounded reads, atomic
 * writes, result file names, and the "output folder must be empty" rule.
 */
import { open, readdir, rename, writeFile } from 'node:fs/promises';
import { megabytes } from '../compiler/text-size.ts';

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

/** Write `data` to `path` so a reader sees the old or the new file, never half of one. */
export async function writeAtomically(path: string, data: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

/**
 * `01.png`, `02.png` ... (three digits from 100 images on), keeping the server's file type; with a
 * step, `01-vary.png`, `02-face.png`.
 */
export function resultFileName(index: number, total: number, url: string, step?: string): string {
  const ext = /\.(png|jpe?g|webp)(?:$|\?)/i.exec(url)?.[1]?.toLowerCase() ?? 'png';
  const number = String(index + 1).padStart(Math.max(2, String(total).length), '0');
  return `${number}${step ? `-${step}` : ''}.${ext}`;
}

/** Refuse an `--out` that already holds files: a run never mixes its results with others. */
export async function checkOutDirFree(out: string): Promise<string | undefined> {
  try {
    const entries = await readdir(out);
    return entries.length > 0 ? `${out} already exists and is not empty; choose another --out` : undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return `${out} exists and is not a folder`;
    throw e;
  }
}
