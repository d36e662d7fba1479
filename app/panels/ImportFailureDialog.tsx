import { useI18n } from '../i18n/i18n.ts';
import { update, useEditor } from '../store/editor-store.ts';
import { focusOnMount } from '../lib/focus-on-mount.ts';

/** A file that could not be opened: where it is wrong and why. Shown as text, never as markup. */
export function ImportFailureDialog() {
  const { t } = useI18n();
  const failure = useEditor((s) => s.importFailure);
  if (!failure) return null;
  const close = () =>
    update((s) => {
      s.importFailure = null;
    });
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog import-failure" role="alertdialog" aria-modal="true" aria-labelledby="imp-title">
        <h2 id="imp-title">{t('import.failed', { name: failure.name })}</h2>
        <p className="hint">{t('import.untouched')}</p>
        <table>
          <thead>
            <tr>
              <th>{t('import.path')}</th>
              <th>{t('import.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {failure.errors.map((e, i) => (
              <tr key={i}>
                <td>
                  <code className="json-path">{e.path}</code>
                </td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="dialog-actions">
          <button type="button" onClick={close} ref={focusOnMount}>
            {t('start.close')}
          </button>
        </div>
      </div>
    </div>
  );
}
