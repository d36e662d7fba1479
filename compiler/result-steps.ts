/**
 * Which plan step made each returned image, and which Enhance Regions detected nothing. Shared by
 * the CLI (file names, run.json, its stderr note) and the editor (captions in the run panel and the
 * gallery). Pure.
 *
 * The API returns main-pass images first, then, image by image, each one's enhance outputs in order
 * (fooocus-semantics §2.3). A `sam` region that detects nothing gives no image and no sign of which
 * one it was, so with images missing the mapping is only known when every region that could be
 * skipped was.
 */
import { t } from '../nodes/field.ts';
import type { Workflow, WorkflowNode } from '../nodes/graph.ts';
import type { LocalText } from '../nodes/types.ts';
import type { Plan, PlanStage } from './types.ts';

export interface ResultStep {
  nodeId: string;
  label: LocalText;
  /** 1-based main image it belongs to. */
  image: number;
  /** `vary`, `upscale`, `inpaint`, `outpaint`, `generate`, a region's detection word (`face`), or `final`. */
  slug: string;
}

export interface ResultSteps {
  /** Per returned image, in order: the step that made it, when it is certain. */
  steps: (ResultStep | undefined)[];
  /**
   * Per returned image whose step is not certain: the steps it may come from (in order), when the
   * order of the results narrows it down ("face or mouse"); empty otherwise.
   */
  maybe: ResultStep[][];
  /** 'by-step': every image's step is known; 'ambiguous': images are missing and which cannot be told. */
  mapping: 'by-step' | 'ambiguous';
  /** Plain words when fewer (or more) images came than planned. */
  note?: LocalText | undefined;
  /** Detection words of the regions that certainly found nothing ("mouse"). */
  skipped: string[];
}

/** One image the plan says may come back, in the API's result order. */
interface Slot {
  stage: PlanStage;
  image: number;
  slug: string;
  /** A `sam` region: when its detection finds nothing, the worker skips it and returns no image. */
  mayBeSkipped: boolean;
}

export function resultSteps(
  count: number,
  plan: Pick<Plan, 'stages' | 'images'>,
  workflow: Pick<Workflow, 'nodes'>,
  imageNumber: number,
): ResultSteps {
  const slots = plannedSlots(plan, workflow, imageNumber);
  const stepOf = (s: Slot): ResultStep => ({
    nodeId: s.stage.nodeId,
    label: s.stage.label,
    image: s.image,
    slug: s.slug,
  });
  const plain = (note?: LocalText): ResultSteps => ({
    steps: Array.from({ length: count }, () => undefined),
    maybe: Array.from({ length: count }, () => []),
    mapping: 'ambiguous',
    note,
    skipped: [],
  });
  const named = (used: Slot[], note?: LocalText, skipped: string[] = []): ResultSteps => ({
    steps: Array.from({ length: count }, (_, i) => stepOf(used[i]!)),
    maybe: Array.from({ length: count }, () => []),
    mapping: 'by-step',
    note,
    skipped,
  });
  if (!slots) return plain();
  if (count === slots.length) return named(slots);
  if (count > slots.length) {
    return plain(
      t(
        `expected up to ${plural(slots.length, 'image')}, got ${count}; files are numbered in the order received.`,
        `预计最多 ${slots.length} 张图像，实际收到 ${count} 张；按收到的顺序编号。`,
      ),
    );
  }

  const missing = slots.length - count;
  const skippable = slots.filter((s) => s.mayBeSkipped);
  const wordList = [...new Set(skippable.map((s) => s.stage.nodeId))].map((id) =>
    detectionWord(workflow, id),
  );
  const words = wordList.map((w) => `"${w}"`);
  const head = `expected up to ${plural(slots.length, 'image')}, got ${count}`;
  const headZh = `预计最多 ${slots.length} 张图像，实际收到 ${count} 张`;
  if (missing > skippable.length || skippable.length === 0) {
    // More missing than regions could skip: a step failed (the client warns about that).
    return plain(
      t(
        `${head}; files are numbered in the order received (which steps are missing cannot be told).`,
        `${headZh}；按收到的顺序编号（无法判断缺少的是哪些步骤）。`,
      ),
    );
  }
  if (finalOnly(workflow, plan)) {
    return plain(
      t(
        `${head}: with "final enhanced image only", an image whose last Enhance Region detects nothing is not returned ` +
          `(sam regions: ${words.join(', ')}); files are numbered in the order received.`,
        `${headZh}：开启“只保存最终增强图像”时，最后一个区域增强未检测到内容的图像不会返回` +
          `（sam 区域：${words.join('、')}）；按收到的顺序编号。`,
      ),
    );
  }
  const skipped = `${missing} Enhance Region${missing === 1 ? '' : 's'} detected nothing and ${missing === 1 ? 'was' : 'were'} skipped`;
  const skippedZh = `${missing} 个区域增强未检测到内容，已跳过`;
  if (missing === skippable.length) {
    // Every region that could be skipped was: the rest are known.
    return named(
      slots.filter((s) => !s.mayBeSkipped),
      t(`${head}: ${skipped} (${words.join(', ')}).`, `${headZh}：${skippedZh}（${words.join('、')}）。`),
      wordList,
    );
  }
  // Ambiguous: no step names, but the images before the first region that may be skipped are certain.
  const result = plain(
    t(
      `${head}: ${skipped} (sam regions: ${words.join(', ')}). ` +
        `Which one cannot be told from the result, so the mapping of files to steps is ambiguous: ` +
        `the files are numbered in the order received.`,
      `${headZh}：${skippedZh}（sam 区域：${words.join('、')}）。无法从结果判断是哪一个，` +
        `因此图像与步骤的对应关系不确定：按收到的顺序编号。`,
    ),
  );
  const certain = slots.findIndex((s) => s.mayBeSkipped);
  for (let i = 0; i < certain && i < count; i++) result.steps[i] = stepOf(slots[i]!);
  // When every later slot may be skipped, the k-th image after the certain ones is one of the
  // slots k … k+missing after them (results keep their order; `missing` of them did not come).
  if (slots.slice(certain).every((s) => s.mayBeSkipped))
    for (let i = certain; i < count; i++) result.maybe[i] = slots.slice(i, i + missing + 1).map(stepOf);
  return result;
}

function plannedSlots(
  plan: Pick<Plan, 'stages' | 'images'>,
  workflow: Pick<Workflow, 'nodes'>,
  imageNumber: number,
): Slot[] | null {
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

function finalOnly(workflow: Pick<Workflow, 'nodes'>, plan: Pick<Plan, 'stages'>): boolean {
  const output = workflow.nodes.find((n) => n.kind === 'output');
  return (
    output?.params.save_final_enhanced_image_only === true && plan.stages.some((s) => s.stage === 'enhance')
  );
}

function isSamRegion(n: WorkflowNode | undefined): boolean {
  return n?.kind === 'enhanceRegion' && (n.params.enhance_mask_model ?? 'sam') === 'sam';
}

function detectionWord(workflow: Pick<Workflow, 'nodes'>, nodeId: string): string {
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
