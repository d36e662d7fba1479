import type { LocalText } from '../../nodes/types.ts';
import { useEditor } from '../store/editor-store.ts';
import { EN, type MessageKey } from './catalog.ts';

import type { Lang } from '../store/editor-store.ts';
export type { Lang };

/** The Chinese catalogue, once fetched: an English-speaking editor never loads it. */
let zh: Record<MessageKey, string> | null = null;

/**
 * Fetches the catalogue of `lang` when it is not here yet. Start-up awaits it before the first
 * render, and the language menu before it switches, so no text shows in the other language.
 */
export async function loadLanguage(lang: Lang): Promise<void> {
  if (lang === 'zh' && !zh) zh = (await import('./catalog-zh.ts')).ZH;
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  let s: string = (lang === 'zh' && zh ? zh : EN)[key];
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
