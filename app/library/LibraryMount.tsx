import { lazy, Suspense } from 'react';
import { ImportNotice } from './ImportNotice.tsx';
import { useLibrary } from './library-state.ts';
import './library.css';

const LibraryDialog = lazy(() => import('./LibraryDialog.tsx').then((m) => ({ default: m.LibraryDialog })));
const HistoryDialog = lazy(() => import('./HistoryDialog.tsx').then((m) => ({ default: m.HistoryDialog })));

/** The library's dialogs (loaded when first opened) and the import notice. */
export function LibraryMount() {
  const dialog = useLibrary((s) => s.dialog);
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
