/**
 * A failed batch item's reason in the editor's words and language: the item's problem code
 * (server/batch/item-problem.ts) worded by the catalogue, which input and file, what to do. The
 * CLI's own text (`error`, with `--input` and server paths) shows only for a code this editor
 * does not know (an app server newer than the page).
 */
import {
  EN_BATCH_PROBLEMS,
  ZH_BATCH_PROBLEMS,
  type BatchProblemKey,
} from '../i18n/catalog-batch-problems.ts';
import { translate, type Lang } from '../i18n/i18n.ts';
import type { BatchItemStatus } from './batch-client.ts';

/** The catalogue is the list of codes this page can word (Object.hasOwn: a code is never "toString"). */
const keyOf = (code: string): BatchProblemKey | null => {
  const key = `batch.problem.${code}`;
  return Object.hasOwn(EN_BATCH_PROBLEMS, key) ? (key as BatchProblemKey) : null;
};

export function itemFailureText(item: Pick<BatchItemStatus, 'error' | 'problem'>, lang: Lang): string {
  const p = item.problem;
  const key = p ? keyOf(p.code) : null;
  if (!p || !key) return translate(lang, 'batch.failedReason', { reason: item.error ?? '' });
  const detail = [
    ...(p.texts ?? []).map((x) => (lang === 'zh' ? x.zh : x.en)),
    ...(p.message ? [p.message] : []),
  ]
    .join(' ')
    .trim();
  const vars = { input: p.input ?? '', file: p.file ?? '', detail };
  let text: string = (lang === 'zh' ? ZH_BATCH_PROBLEMS : EN_BATCH_PROBLEMS)[key];
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, v);
  return text;
}
