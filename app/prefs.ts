import { useEditor, type Lang, type Theme } from './store/editor-store.ts';

const KEY = 'fooocus-flow.prefs';

/** Language and theme the user chose (absent = follow the browser). Not part of any workflow. */
export function installPrefs(): () => void {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '{}') as { lang?: Lang; theme?: Theme };
    const patch: { lang?: Lang; theme?: Theme } = {};
    if (saved.lang === 'en' || saved.lang === 'zh') patch.lang = saved.lang;
    if (saved.theme === 'dark' || saved.theme === 'light') patch.theme = saved.theme;
    useEditor.setState(patch);
  } catch {
    // unreadable prefs: keep the browser defaults
  }
  return useEditor.subscribe((s, prev) => {
    if (s.lang !== prev.lang || s.theme !== prev.theme) {
      const cur = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, string>;
      if (s.lang !== prev.lang) cur.lang = s.lang;
      if (s.theme !== prev.theme) cur.theme = s.theme;
      localStorage.setItem(KEY, JSON.stringify(cur));
    }
  });
}
