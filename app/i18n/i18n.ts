import type { LocalText } from '../../nodes/types.ts';
import { useEditor } from '../store/editor-store.ts';
import { EN, ZH, type MessageKey } from './catalog.ts';

import type { Lang } from '../store/editor-store.ts';
export type { Lang };

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  let s: string = (lang === 'zh' ? ZH : EN)[key];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

export function local(lang: Lang, text: LocalText | undefined): string {
  if (!text) return '';
  return lang === 'zh' ? text.zh : text.en;
}

/** `t('menu.save')` for chrome texts, `l(kind.title)` for domain texts. */
export function useI18n() {
  const lang = useEditor((s) => s.lang);
  return {
    lang,
    t: (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars),
    l: (text: LocalText | undefined) => local(lang, text),
  };
}
