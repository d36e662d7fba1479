/**
 * A failed batch item's reason in the editor's words and language: the item's problem code
 * (server/batch/item-problem.ts) worded by the catalogue, which input and file, what to do. The
 * CLI's own text (`error`, with `--input` and server paths) shows only for a code this editor
 * does not know (an app server newer than the page).
 */
import { EN_BATCH_PROBLEMS, ZH_BATCH_PROBLEMS } from '../i18n/catalog-batch-problems.ts';
import { translate, type Lang } from '../i18n/i18n.ts';
import type { BatchItemStatus } from './batch-client.ts';

const CODES = [
  'input-unreadable',
  'input-not-image',
  'input-too-large',
  'values-rejected',
  'workflow-errors',
  'engine-refused',
] as const;
type Code = (typeof CODES)[number];
const known = (code: string): code is Code => (CODES as readonly string[]).includes(code);

export function itemFailureText(item: Pick<BatchItemStatus, 'error' | 'problem'>, lang: Lang): string {
  const p = item.problem;
  if (!p || !known(p.code)) return translate(lang, 'batch.failedReason', { reason: item.error ?? '' });
  const detail = [
    ...(p.texts ?? []).map((x) => (lang === 'zh' ? x.zh : x.en)),
    ...(p.message ? [p.message] : []),
  ]
    .join(' ')
    .trim();
  const vars = { input: p.input ?? '', file: p.file ?? '', detail };
  let text: string = (lang === 'zh' ? ZH_BATCH_PROBLEMS : EN_BATCH_PROBLEMS)[`batch.problem.${p.code}`];
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, v);
  return text;
}
