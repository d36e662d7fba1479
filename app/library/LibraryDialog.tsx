import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import { useEditor } from '../store/editor-store.ts';
import {
  deleteFromLibrary,
  openFromLibrary,
  refreshLibrary,
  renameInLibrary,
  saveToLibrary,
} from './library-actions.ts';
import { openLibraryDialog, useLibrary } from './library-state.ts';

/** The user's saved workflows: save the canvas, open, rename, duplicate, delete. */
export function LibraryDialog() {
  const { t, lang } = useI18n();
  const entries = useLibrary((s) => s.entries);
  const error = useLibrary((s) => s.error);
  const current = useLibrary((s) => s.current);
  const docName = useEditor((s) => s.doc.name);
  const [name, setName] = useState(current ?? docName);
  useEffect(() => void refreshLibrary(), []);
  const close = () => openLibraryDialog(null);
  const when = (ms: number) => new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en');
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog library-dialog" role="dialog" aria-modal="true" aria-labelledby="library-title">
        <div className="dialog-head">
          <h2 id="library-title">{t('library.title')}</h2>
          <button type="button" onClick={close} aria-label={t('start.close')}>
            ×
          </button>
        </div>
        <p className="hint">{t('library.folderHint')}</p>
        <form
          className="library-save"
          onSubmit={(e) => {
            e.preventDefault();
            void saveToLibrary(name);
          }}
        >
          <label>
            {t('library.saveAs')}{' '}
            <input
              type="text"
              value={name}
              maxLength={80}
              onChange={(e) => setName(e.target.value)}
              data-testid="library-name"
            />
          </label>
          <button type="submit">{t('library.save')}</button>
        </form>
        {error && (
          <p className="library-error" role="alert">
            {error}
          </p>
        )}
        {entries && entries.length === 0 && <p>{t('library.empty')}</p>}
        <ul className="library-list">
          {entries?.map((e) => (
            <li key={e.name} data-workflow={e.name} className={e.name === current ? 'current' : undefined}>
              <span className="library-entry-name">{e.name}</span>
              <span className="library-entry-when">{t('library.modified', { when: when(e.modified) })}</span>
              <button type="button" onClick={() => void openFromLibrary(e.name)}>
                {t('library.open')}
              </button>
              <button
                type="button"
                onClick={() => {
                  const to = window.prompt(t('library.renamePrompt', { name: e.name }), e.name);
                  if (to && to !== e.name) void renameInLibrary(e.name, to, 'rename');
                }}
              >
                {t('library.rename')}
              </button>
              <button
                type="button"
                onClick={() => {
                  const to = window.prompt(t('library.duplicatePrompt', { name: e.name }), `${e.name} copy`);
                  if (to) void renameInLibrary(e.name, to, 'duplicate');
                }}
              >
                {t('library.duplicate')}
              </button>
              <button type="button" className="danger" onClick={() => void deleteFromLibrary(e.name)}>
                {t('library.delete')}
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
