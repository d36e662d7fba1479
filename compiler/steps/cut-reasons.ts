/**
 * Which diagnostics mean "one request cannot do this part of the graph" — the rules whose verdict
 * in fooocus-semantics §5.5 is "reject, or split into more requests" — and how the cut that avoids
 * one is explained on the node where the new step starts.
 */
import { t } from '../../nodes/field.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import type { LocalText } from '../../nodes/types.ts';
import { getKind } from '../../nodes/registry.ts';
import type { Diagnostic } from '../types.ts';

/**
 * G-3 (Vary/Upscale and Inpaint in one main pass), G-9 as an error (a Fast 2x forced into the main
 * pass with steps after it), G-15 (a second enhance-stage Vary/Upscale, or one between regions),
 * G-16 (a fourth region), G-4 (an image prompt on a step the enhance stage runs) and
 * S-inpaint-position (an Inpaint after any other step).
 */
export function isCutProblem(d: Diagnostic): boolean {
  switch (d.code) {
    case 'G-3':
    case 'G-15':
    case 'G-16':
    case 'G-4':
    case 'S-inpaint-position':
      return true;
    case 'G-9':
      return d.severity === 'error' && d.field === 'runIn';
    default:
      return false;
  }
}

export function problemKey(d: Diagnostic): string {
  return `${d.code}\u0000${d.nodeId ?? ''}`;
}

const title = (n: WorkflowNode): LocalText => {
  const k = getKind(n.kind);
  const dirs = n.kind === 'inpaint' ? (n.params.outpaint_selections as string[]) : [];
  if (dirs.length) return t('Outpaint', '扩图');
  if (n.kind === 'inpaint') return t('Inpaint', '重绘');
  return { en: k?.title.en ?? n.kind, zh: k?.title.zh ?? n.kind };
};

/**
 * Why the graph is cut before `starts`, in the words of the rule that forced it. `before` is the
 * step's own previous node, `problem` the diagnostic the longer request would have had.
 */
export function cutReason(
  step: number,
  starts: WorkflowNode,
  before: WorkflowNode | undefined,
  problem: Diagnostic,
): LocalText {
  const prev = before ? title(before) : t('the previous step', '上一步');
  const here = title(starts);
  let why: LocalText;
  switch (problem.code) {
    case 'G-3':
    case 'S-inpaint-position':
      why =
        starts.kind === 'inpaint'
          ? t(
              `Fooocus cannot ${here.en} in the same request as ${prev.en}`,
              `Fooocus 不能在与${prev.zh}相同的请求中${here.zh}`,
            )
          : t(
              `Fooocus cannot run ${here.en} in the same request as ${prev.en}`,
              `Fooocus 不能在与${prev.zh}相同的请求中运行${here.zh}`,
            );
      break;
    case 'G-9':
      why = t(
        `${prev.en} (Fast 2x) returns its image at once, so nothing after it runs in the same request`,
        `${prev.zh}（快速 2 倍）会立即返回图像，同一请求中其后的步骤都不会运行`,
      );
      break;
    case 'G-15':
      why = t(
        'one request holds a single Vary/Upscale in its enhance stage, before the first or after the last region',
        '一个请求的增强阶段只能有一个 Vary/放大，位于第一个区域之前或最后一个区域之后',
      );
      break;
    case 'G-16':
      why = t('Fooocus reads at most 3 Enhance Regions per request', 'Fooocus 每个请求最多读取 3 个区域增强');
      break;
    default:
      why = t(
        `image prompts only condition a request's main pass, so ${here.en} gets one of its own`,
        `图像提示只作用于请求的主流程，因此${here.zh}需要自己的一个请求`,
      );
  }
  return t(`Step ${step + 1} starts here: ${why.en}.`, `第 ${step + 1} 步从这里开始：${why.zh}。`);
}
