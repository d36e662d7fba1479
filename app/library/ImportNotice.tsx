import { useI18n } from '../i18n/i18n.ts';
import { showImportNotice, useLibrary } from './library-state.ts';

/** What an opened or pasted request was read as, and what was ignored; stays until dismissed. */
export function ImportNotice() {
  const { t } = useI18n();
  const notice = useLibrary((s) => s.notice);
  if (!notice) return null;
  return (
    <div className="import-notice" role="status" data-testid="import-notice">
      <strong>{notice.title}</strong>
      <ul>
        {notice.lines.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
      <button type="button" className="small" onClick={() => showImportNotice(null)}>
        {t('import.dismiss')}
      </button>
    </div>
  );
}
