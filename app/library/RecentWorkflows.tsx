import { useEffect } from 'react';
import { useI18n } from '../i18n/i18n.ts';
import { openFromLibrary, refreshLibrary } from './library-actions.ts';
import { openLibraryDialog, useLibrary } from './library-state.ts';

const RECENT = 5;

/** On the start screen: the library's most recently changed workflows, and the library and history. */
export function RecentWorkflows() {
  const { t } = useI18n();
  const entries = useLibrary((s) => s.entries);
  useEffect(() => void refreshLibrary(), []);
  return (
    <section className="recent-workflows" aria-labelledby="recent-title">
      {entries && entries.length > 0 && (
        <>
          <h3 id="recent-title">{t('start.recent')}</h3>
          <ul>
            {entries.slice(0, RECENT).map((e) => (
              <li key={e.name}>
                <button type="button" data-recent={e.name} onClick={() => void openFromLibrary(e.name)}>
                  {e.name}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="recent-actions">
        <button type="button" onClick={() => openLibraryDialog('library')}>
          {t('start.library')}
        </button>
        <button type="button" onClick={() => openLibraryDialog('history')}>
          {t('start.history')}
        </button>
      </div>
    </section>
  );
}
