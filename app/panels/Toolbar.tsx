import { doRedo, doUndo, newWorkflow, openSearch } from '../commands.ts';
import { layout } from '../canvas/auto-layout.ts';
import { fitView } from '../canvas/viewport.ts';
import { loadLanguage, useI18n } from '../i18n/i18n.ts';
import { sealHistory, update, useEditor } from '../store/editor-store.ts';
import { setWorkflowMeta } from '../store/graph-actions.ts';
import { openGallery, useGallery } from '../run/gallery-state.ts';
import { useSettings } from '../run/settings.ts';
import { openSettings } from './settings-dialog-state.ts';
import { FileMenu } from './FileMenu.tsx';

export function Toolbar() {
  const { t, lang } = useI18n();
  const theme = useEditor((s) => s.theme);
  const name = useEditor((s) => s.doc.name);
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const saveStatus = useEditor((s) => s.saveStatus);
  const results = useGallery((s) => s.runs.reduce((n, r) => n + r.images.length, 0));
  const check = useSettings((s) => s.check.state);
  return (
    <header className="toolbar one-row" role="toolbar" aria-label={t('a11y.toolbar')}>
      <span className="brand">Fooocus Flow</span>
      <input
        className="wf-name"
        type="text"
        aria-label={t('workflow.name')}
        value={name}
        onChange={(e) => setWorkflowMeta('name', e.target.value)}
        onBlur={sealHistory}
      />
      <span className={`save-status ${saveStatus}`} data-testid="save-status" data-status={saveStatus}>
        {t(
          saveStatus === 'saved'
            ? 'autosave.saved'
            : saveStatus === 'pending'
              ? 'autosave.pending'
              : saveStatus === 'failed'
                ? 'autosave.failed'
                : 'autosave.paused',
        )}
      </span>
      <div className="toolbar-group">
        <button type="button" onClick={newWorkflow}>
          {t('menu.new')}
        </button>
        <FileMenu />
      </div>
      <div className="toolbar-group">
        <button type="button" onClick={doUndo} disabled={!canUndo} title="Ctrl+Z" aria-label={t('menu.undo')}>
          ↶
        </button>
        <button
          type="button"
          onClick={doRedo}
          disabled={!canRedo}
          title="Ctrl+Shift+Z"
          aria-label={t('menu.redo')}
        >
          ↷
        </button>
      </div>
      <div className="toolbar-group">
        <button type="button" onClick={openSearch} title="Space">
          + {t('menu.search')}
        </button>
        <button type="button" onClick={() => layout()} title="Ctrl+Shift+L">
          {t('menu.layout')}
        </button>
        <button type="button" onClick={fitView} title="Shift+1">
          {t('menu.fit')}
        </button>
      </div>
      <div className="toolbar-group right">
        <button
          type="button"
          onClick={() => openGallery()}
          data-testid="toolbar-gallery"
          title={t('gallery.title')}
          aria-label={`${t('gallery.title')} (${results})`}
        >
          ▦ {results}
        </button>
        <button
          type="button"
          onClick={() => openSettings()}
          data-testid="toolbar-settings"
          title={t('settings.title')}
          aria-label={t('settings.title')}
        >
          <span className={`conn-dot ${check}`} aria-hidden="true" /> ⚙
        </button>
        <select
          aria-label={t('menu.language')}
          value={lang}
          onChange={(e) => {
            const next = e.target.value as 'en' | 'zh';
            // Its catalogue first (fetched the first time), so the switch shows no text half-translated.
            void loadLanguage(next).then(() =>
              update((s) => {
                s.lang = next;
              }),
            );
          }}
        >
          <option value="en">English</option>
          <option value="zh">简体中文</option>
        </select>
        <button
          type="button"
          aria-label={t('menu.theme')}
          title={`${t('menu.theme')}: ${theme === 'dark' ? t('theme.dark') : t('theme.light')}`}
          aria-pressed={theme === 'dark'}
          onClick={() =>
            update((s) => {
              s.theme = s.theme === 'dark' ? 'light' : 'dark';
            })
          }
        >
          {theme === 'dark' ? '☾' : '☀'}
        </button>
        <button
          type="button"
          onClick={() =>
            update((s) => {
              s.dialog = 'shortcuts';
            })
          }
          title={`${t('menu.shortcuts')} (?)`}
          aria-label={t('menu.shortcuts')}
        >
          <span className="wide-only">{t('menu.shortcuts')}</span>
          <span className="narrow-only" aria-hidden="true">
            ?
          </span>
        </button>
      </div>
    </header>
  );
}
