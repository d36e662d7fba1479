import { lazy, Suspense, useEffect } from 'react';
import { ImportNotice } from './ImportNotice.tsx';
import { openLibraryDialog, useLibrary } from './library-state.ts';
import './library.css';

const LibraryDialog = lazy(() => import('./LibraryDialog.tsx').then((m) => ({ default: m.LibraryDialog })));
const HistoryDialog = lazy(() => import('./HistoryDialog.tsx').then((m) => ({ default: m.HistoryDialog })));

/** The library's dialogs (loaded when first opened) and the import notice. */
export function LibraryMount() {
  const dialog = useLibrary((s) => s.dialog);
  useEffect(() => {
    if (!dialog) return;
    // Escape closes the library or history dialog, like every other dialog of the editor.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      openLibraryDialog(null);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [dialog]);
  return (
    <>
      <ImportNotice />
      <Suspense fallback={null}>
        {dialog === 'library' && <LibraryDialog />}
        {dialog === 'history' && <HistoryDialog />}
      </Suspense>
    </>
  );
}
