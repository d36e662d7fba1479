import { useI18n } from '../i18n/i18n.ts';
import { useEditor } from '../store/editor-store.ts';
import {
  discardClosedTabChanges,
  keepMine,
  loadTheirs,
  openClosedTabChanges,
  useClosedTabChanges,
} from '../persistence/autosave.ts';

/**
 * Another tab saved newer work: autosave pauses here until the user chooses. Also: a tab closed
 * with changes that another tab's newer save stood in the way of; they are kept until the user
 * opens or discards them.
 */
export function ConflictBanner() {
  const { t, lang } = useI18n();
  const conflict = useEditor((s) => s.conflict);
  const closed = useClosedTabChanges();
  const time = (at: number) => new Date(at).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en');
  return (
    <>
      {conflict && (
        <div className="conflict-banner" role="alert">
          <span>{t('tabs.conflict', { when: time(conflict.savedAt) })}</span>
          <button type="button" onClick={() => void loadTheirs()}>
            {t('tabs.loadTheirs')}
          </button>
          <button type="button" onClick={() => void keepMine()}>
            {t('tabs.keepMine')}
          </button>
        </div>
      )}
      {closed && (
        <div className="conflict-banner" role="alert" data-testid="closed-tab-changes">
          <span>{t('tabs.closedChanges', { when: time(closed.savedAt) })}</span>
          <button type="button" onClick={() => void openClosedTabChanges()}>
            {t('tabs.openClosed')}
          </button>
          <button type="button" onClick={() => void discardClosedTabChanges()}>
            {t('tabs.discardClosed')}
          </button>
        </div>
      )}
    </>
  );
}
