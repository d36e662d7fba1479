import { useI18n } from '../i18n/i18n.ts';
import { retryAutosave } from '../persistence/autosave.ts';
import { saveWorkflowFile } from '../persistence/files.ts';
import { useStorageProblems, type StorageArea } from '../persistence/storage-problems.ts';
import { openGallery } from '../run/gallery-state.ts';
import { openSettings } from './settings-dialog-state.ts';

/**
 * What the browser's storage refused, and what to do about it: stays until a later write in that
 * area succeeds (never a toast that passes while the work is still only in memory).
 */
export function StorageBanner() {
  const problems = useStorageProblems();
  return (
    <>
      {(['autosave', 'gallery'] as const).map((area) =>
        problems[area] ? <Problem key={area} area={area} /> : null,
      )}
    </>
  );
}

function Problem({ area }: { area: StorageArea }) {
  const { t } = useI18n();
  const p = useStorageProblems((s) => s[area]);
  if (!p) return null;
  const text =
    area === 'autosave'
      ? t(p.full ? 'storage.autosaveFull' : 'storage.autosaveFailed')
      : t(p.full ? 'storage.galleryFull' : 'storage.galleryFailed');
  return (
    <div className="storage-banner" role="alert" data-testid={`storage-banner-${area}`} data-full={p.full}>
      <div className="storage-text">
        <p>{text}</p>
        <p className="status">{t('storage.detail', { detail: p.detail })}</p>
      </div>
      {area === 'autosave' && (
        <button type="button" className="small" onClick={() => void saveWorkflowFile()}>
          {t('menu.save')}
        </button>
      )}
      <button type="button" className="small" onClick={() => openGallery()}>
        {t('storage.openResults')}
      </button>
      <button type="button" className="small" onClick={() => openSettings()}>
        {t('storage.openSettings')}
      </button>
      <button
        type="button"
        className="small primary"
        data-testid={`storage-retry-${area}`}
        onClick={() =>
          void (area === 'autosave'
            ? retryAutosave()
            : import('../run/gallery.ts').then((g) => g.retryKeepRuns()))
        }
      >
        {t('storage.retry')}
      </button>
    </div>
  );
}
