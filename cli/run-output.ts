/**
 * The two visible side effects of `fooocus-flow run`: the progress bar on stderr, and the output
 * folder, which holds the run journal from the start and the result files only once all of them
 * were downloaded (staged, then moved in).
 */
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ProgressEvent } from '../api/progress.ts';
import type { PlanStage, Plan } from '../compiler/types.ts';
import type { Workflow, WorkflowNode } from '../nodes/graph.ts';

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

/**
 * `01.png`, `02.png` ... (three digits from 100 images on), keeping the server's file type; with a
 * step, `01-vary.png`, `02-face.png`.
 */
export function resultFileName(index: number, total: number, url: string, step?: string): string {
  const ext = /\.(png|jpe?g|webp)(?:$|\?)/i.exec(url)?.[1]?.toLowerCase() ?? 'png';
  const number = String(index + 1).padStart(Math.max(2, String(total).length), '0');
  return `${number}${step ? `-${step}` : ''}.${ext}`;
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

/** One image the plan says may come back, in the API's result order. */
interface Slot {
  stage: PlanStage;
  image: number;
  slug: string;
  /** A `sam` region: when its detection finds nothing, the worker skips it and returns no image. */
  mayBeSkipped: boolean;
}

/**
 * Name the results after the steps that made them. The API returns main-pass images first, then,
 * image by image, each one's enhance outputs in order (fooocus-semantics §2.3). A region that detects
 * nothing gives no image and no sign of which one it was, so with images missing the mapping is only
 * known when every region that could be skipped was.
 */
export function mapResults(
  urls: readonly string[],
  plan: Plan,
  workflow: Workflow,
  imageNumber: number,
): ResultMapping {
  const slots = plannedSlots(plan, workflow, imageNumber);
  const plain = (note?: string): ResultMapping => ({
    files: urls.map((url, i) => ({ file: resultFileName(i, urls.length, url), url })),
    mapping: 'ambiguous',
    note,
  });
  const named = (used: Slot[], note?: string): ResultMapping => ({
    files: urls.map((url, i) => {
      const slot = used[i]!;
      return {
        file: resultFileName(i, urls.length, url, slot.slug),
        url,
        step: { nodeId: slot.stage.nodeId, label: slot.stage.label.en, image: slot.image },
      };
    }),
    mapping: 'by-step',
    note,
  });
  if (!slots) return plain();
  if (urls.length === slots.length) return named(slots);
  if (urls.length > slots.length) {
    return plain(
      `expected up to ${plural(slots.length, 'image')}, got ${urls.length}; files are numbered in the order received.`,
    );
  }

  const missing = slots.length - urls.length;
  const skippable = slots.filter((s) => s.mayBeSkipped);
  const words = [...new Set(skippable.map((s) => s.stage.nodeId))].map(
    (id) => `"${detectionWord(workflow, id)}"`,
  );
  const head = `expected up to ${plural(slots.length, 'image')}, got ${urls.length}`;
  if (missing > skippable.length || skippable.length === 0) {
    // More missing than regions could skip: a step failed (the client warns about that).
    return plain(
      `${head}; files are numbered in the order received (which steps are missing cannot be told).`,
    );
  }
  if (finalOnly(workflow, plan)) {
    return plain(
      `${head}: with "final enhanced image only", an image whose last Enhance Region detects nothing is not returned ` +
        `(sam regions: ${words.join(', ')}); files are numbered in the order received.`,
    );
  }
  const skipped = `${missing} Enhance Region${missing === 1 ? '' : 's'} detected nothing and ${missing === 1 ? 'was' : 'were'} skipped`;
  if (missing === skippable.length) {
    // Every region that could be skipped was: the rest are known.
    return named(
      slots.filter((s) => !s.mayBeSkipped),
      `${head}: ${skipped} (${words.join(', ')}).`,
    );
  }
  // Ambiguous: plain names, but the images before the first region that may be skipped are certain.
  const result = plain(
    `${head}: ${skipped} (sam regions: ${words.join(', ')}). ` +
      `Which one cannot be told from the result, so the mapping of files to steps is ambiguous: ` +
      `the files are numbered in the order received.`,
  );
  const certain = slots.findIndex((s) => s.mayBeSkipped);
  result.files.slice(0, certain).forEach((f, i) => {
    const slot = slots[i]!;
    f.step = { nodeId: slot.stage.nodeId, label: slot.stage.label.en, image: slot.image };
  });
  return result;
}

function plannedSlots(plan: Plan, workflow: Workflow, imageNumber: number): Slot[] | null {
  const node = (id: string) => workflow.nodes.find((n) => n.id === id);
  const main = plan.stages.filter((s) => s.stage === 'main');
  const enhance = plan.stages.filter((s) => s.stage === 'enhance');
  const lastMain = main.at(-1);
  // Pass-through (enhance an uploaded image): no main pass, one image.
  const n = lastMain ? Math.max(1, imageNumber) : 1;
  const slot = (stage: PlanStage, image: number, slug: string, mayBeSkipped = false): Slot => ({
    stage,
    image,
    slug,
    mayBeSkipped,
  });
  const images = Array.from({ length: n }, (_, i) => i + 1);
  let slots: Slot[];
  if (finalOnly(workflow, plan)) {
    const last = enhance.at(-1)!;
    const anySam = enhance.some((s) => isSamRegion(node(s.nodeId)));
    slots = images.map((i) => slot(last, i, 'final', anySam));
  } else {
    slots = [
      ...(lastMain ? images.map((i) => slot(lastMain, i, stepSlug(node(lastMain.nodeId)))) : []),
      ...images.flatMap((i) =>
        enhance.map((s) => {
          const nd = node(s.nodeId);
          return slot(s, i, stepSlug(nd), isSamRegion(nd));
        }),
      ),
    ];
  }
  if (slots.length === plan.images.count) return slots;
  // A main pass that returns early (Fast 2x, direct-return upscale): one image, no enhance stage.
  if (lastMain && plan.images.count === 1) return [slot(lastMain, 1, stepSlug(node(lastMain.nodeId)))];
  return null;
}

function finalOnly(workflow: Workflow, plan: Plan): boolean {
  const output = workflow.nodes.find((n) => n.kind === 'output');
  return (
    output?.params.save_final_enhanced_image_only === true && plan.stages.some((s) => s.stage === 'enhance')
  );
}

function isSamRegion(n: WorkflowNode | undefined): boolean {
  return n?.kind === 'enhanceRegion' && (n.params.enhance_mask_model ?? 'sam') === 'sam';
}

function detectionWord(workflow: Workflow, nodeId: string): string {
  const n = workflow.nodes.find((x) => x.id === nodeId);
  return String(n?.params.enhance_mask_dino_prompt ?? nodeId);
}

/** `vary`, `upscale`, `inpaint`, `outpaint`, `generate`, or a region's detection word (`face`). */
function stepSlug(n: WorkflowNode | undefined): string {
  if (!n) return 'step';
  let text: string;
  if (n.kind === 'enhanceRegion') {
    text = isSamRegion(n)
      ? String(n.params.enhance_mask_dino_prompt ?? '')
      : String(n.params.enhance_mask_model ?? '');
  } else if (n.kind === 'inpaint') {
    text = (n.params.outpaint_selections as unknown[] | undefined)?.length ? 'outpaint' : 'inpaint';
  } else if (n.kind === 'promptSettings') {
    text = 'generate';
  } else {
    text = n.kind;
  }
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/, '');
  return slug || 'step';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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
