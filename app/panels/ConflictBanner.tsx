import { useI18n } from '../i18n/i18n.ts';
import { useEditor } from '../store/editor-store.ts';
import { keepMine, loadTheirs } from '../persistence/autosave.ts';

/** Another tab saved newer work: autosave pauses here until the user chooses. */
export function ConflictBanner() {
  const { t, lang } = useI18n();
  const conflict = useEditor((s) => s.conflict);
  if (!conflict) return null;
  const when = new Date(conflict.savedAt).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en');
  return (
    <div className="conflict-banner" role="alert">
      <span>{t('tabs.conflict', { when })}</span>
      <button type="button" onClick={() => void loadTheirs()}>
        {t('tabs.loadTheirs')}
      </button>
      <button type="button" onClick={() => void keepMine()}>
        {t('tabs.keepMine')}
      </button>
    </div>
  );
}
