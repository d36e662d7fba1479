import { TEMPLATES } from '../../compiler/authoring/templates.ts';
import { useI18n } from '../i18n/i18n.ts';
import { update, useEditor } from '../store/editor-store.ts';
import { openTemplate } from '../commands.ts';
import { pickWorkflowFile } from '../persistence/files.ts';
import { RecentWorkflows } from '../library/RecentWorkflows.tsx';
import { focusOnMount } from '../lib/focus-on-mount.ts';

/** First screen (and "New"): a blank canvas, a template per seed scenario, or a file. */
export function StartScreen() {
  const { t, l } = useI18n();
  const open = useEditor((s) => s.dialog === 'start');
  const hasWork = useEditor((s) => s.doc.nodes.length > 0);
  if (!open) return null;
  const close = () =>
    update((s) => {
      s.dialog = null;
    });
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog start-screen" role="dialog" aria-modal="true" aria-labelledby="start-title">
        <h2 id="start-title">{t('start.title')}</h2>
        <ul className="template-grid">
          <li>
            <button
              type="button"
              className="template"
              data-template="blank"
              onClick={() => openTemplate(null)}
              ref={focusOnMount}
            >
              <strong>{t('start.blank')}</strong>
              <span>{t('start.blankDesc')}</span>
            </button>
          </li>
          {TEMPLATES.map((tpl) => (
            <li key={tpl.id}>
              <button
                type="button"
                className="template"
                data-template={tpl.id}
                onClick={() => openTemplate(tpl)}
              >
                <strong>{l(tpl.title)}</strong>
                <span>{l(tpl.description)}</span>
              </button>
            </li>
          ))}
        </ul>
        <RecentWorkflows />
        <div className="dialog-actions">
          <button type="button" onClick={pickWorkflowFile}>
            {t('start.open')}
          </button>
          {hasWork && (
            <button type="button" onClick={close}>
              {t('start.continue')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
