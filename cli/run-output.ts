/**
 * The two visible side effects of `fooocus-flow run`: the progress bar on stderr, and the output
 * folder, which holds the run journal from the start and the result files only once all of them
 * were downloaded (staged, then moved in).
 */
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ProgressEvent } from '../api/progress.ts';
import type { Plan } from '../compiler/types.ts';
import { resultSteps } from '../compiler/result-steps.ts';
import type { Workflow } from '../nodes/graph.ts';
import { resultFileName } from '../server/file-io.ts';

// Moved to server/ (the app server's batch engine uses them too); the CLI's run still imports them from here.
export { checkOutDirFree } from '../server/file-io.ts';

export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  /** The CLI's own control codes, written unescaped (see terminal-safe.ts). */
  control?: ((seq: string) => unknown) | undefined;
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
        // The redraw codes are ours; the line (with the server's stage message) is escaped by the sink.
        if (out.control) {
          out.control('\r');
          out.write(line);
          out.control('\x1b[K');
        } else out.write(`\r${line}\x1b[K`);
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

/** One saved result, as recorded in run.json. */
export interface SavedFile {
  file: string;
  /** The result URL (re-based onto --api; with the built-in simulator it is gone after the run). */
  url: string;
  /** The plan step that made it, when the order of the results says so unambiguously. */
  step?: { nodeId: string; label: string; /** 1-based main image it belongs to */ image: number };
}

export interface ResultMapping {
  files: SavedFile[];
  /** 'by-step': every file's step is known; 'ambiguous': images are missing and which ones cannot be told. */
  mapping: 'by-step' | 'ambiguous';
  /** Plain words for stderr and run.json, when fewer images came than planned. */
  note?: string | undefined;
}

/**
 * Name the results after the steps that made them (compiler/result-steps.ts decides which step made
 * which image, for the editor's captions too): `01-vary.png`, `02-face.png`; numbered only when
 * images are missing and which ones cannot be told.
 */
export function mapResults(
  urls: readonly string[],
  plan: Plan,
  workflow: Workflow,
  imageNumber: number,
): ResultMapping {
  const r = resultSteps(urls.length, plan, workflow, imageNumber);
  return {
    files: urls.map((url, i) => {
      const step = r.steps[i];
      const file = resultFileName(i, urls.length, url, r.mapping === 'by-step' ? step?.slug : undefined);
      return step
        ? { file, url, step: { nodeId: step.nodeId, label: step.label.en, image: step.image } }
        : { file, url };
    }),
    mapping: r.mapping,
    note: r.note?.en,
  };
}

/**
 * Result files that appear in `out` only on `commit()`. The output folder already holds the run
 * journal, so the files are staged in a hidden folder inside it (same file system: each rename is
 * atomic) and moved in at the end, `run.json` last. `discard()` removes the staging folder, whatever
 * was written so far; a kill mid-commit leaves the journal, and `--resume` writes the files again.
 */
export async function createStagedDir(out: string) {
  const target = resolve(out);
  await mkdir(target, { recursive: true });
  const staging = join(target, `.partial-${process.pid}-${Date.now().toString(36)}`);
  await mkdir(staging);
  const written: string[] = [];
  return {
    staging,
    async write(name: string, data: Uint8Array | string): Promise<void> {
      await writeFile(join(staging, name), data);
      written.push(name);
    },
    /** Move into place (run.json last); returns the final paths of the files written. */
    async commit(): Promise<string[]> {
      const order = [...written.filter((n) => n !== 'run.json'), ...written.filter((n) => n === 'run.json')];
      for (const name of order) await rename(join(staging, name), join(target, name));
      await rmdir(staging);
      return written.map((n) => join(target, n));
    },
    async discard(): Promise<void> {
      await rm(staging, { recursive: true, force: true });
    },
  };
}
