/**
 * The two visible side effects of `fooocus-flow run`: the progress bar on stderr, and the output
 * folder, which appears complete or not at all (written under a temporary name, renamed at the end).
 */
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ProgressEvent } from '../api/progress.ts';

export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
}

const BAR_CELLS = 10;

/** `[####------] 42% Sampling step 5/30, image 1/2 ...` */
export function formatProgress(p: ProgressEvent): string {
  const pct = Math.max(0, Math.min(100, Math.round(p.progress)));
  const filled = Math.round((pct / 100) * BAR_CELLS);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_CELLS - filled)}] ${String(pct).padStart(3)}% ${p.message}`;
}

/**
 * On a terminal the bar is redrawn in place with `\r`; in a log (pipe, CI) every sampling step would
 * be one line, so only a change of stage prints: the message with its numbers taken out.
 */
export function createProgressBar(out: TextSink) {
  let lastStage = '';
  let drawn = false;
  return {
    update(p: ProgressEvent): void {
      const line = formatProgress(p);
      if (out.isTTY) {
        out.write(`\r${line}\x1b[K`);
        drawn = true;
        return;
      }
      const stage = p.message.replace(/\d+/g, '#');
      if (stage === lastStage) return;
      lastStage = stage;
      out.write(`${line}\n`);
    },
    /** End the in-place line so later output starts on a fresh one. */
    done(): void {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}

/** `./fooocus-flow-out/2025-01-31T09-05-07-123Z`: sortable, and legal on every file system. */
export function defaultOutDir(cwd: string, now: Date): string {
  return join(cwd, 'fooocus-flow-out', now.toISOString().replace(/[:.]/g, '-'));
}

/** `01.png`, `02.png` ... (three digits from 100 images on), keeping the server's file type. */
export function resultFileName(index: number, total: number, url: string): string {
  const ext = /\.(png|jpe?g|webp)(?:$|\?)/i.exec(url)?.[1]?.toLowerCase() ?? 'png';
  return `${String(index + 1).padStart(Math.max(2, String(total).length), '0')}.${ext}`;
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

/**
 * A folder that becomes `out` only on `commit()`. Files go to a hidden sibling first (same file
 * system, so the final rename is atomic); `discard()` removes it, whatever was written so far.
 */
export async function createStagedDir(out: string) {
  const target = resolve(out);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(target)}.partial-${process.pid}-${Date.now().toString(36)}`);
  await mkdir(staging);
  const written: string[] = [];
  return {
    staging,
    async write(name: string, data: Uint8Array | string): Promise<void> {
      await writeFile(join(staging, name), data);
      written.push(name);
    },
    /** Move into place; returns the final paths of the files written. */
    async commit(): Promise<string[]> {
      // An empty folder of that name may exist (made by hand or by a previous check); rename needs it gone.
      await rmdir(target).catch(() => undefined);
      await rename(staging, target);
      return written.map((n) => join(target, n));
    },
    async discard(): Promise<void> {
      await rm(staging, { recursive: true, force: true });
    },
  };
}
