import { lazy, Suspense, useEffect } from 'react';
import { openBatchDialog, useBatchDialog } from './batch-state.ts';

const BatchDialog = lazy(() => import('./BatchDialog.tsx').then((m) => ({ default: m.BatchDialog })));

/** The "Run as batch…" dialog, loaded when first opened; Escape closes it like every dialog. */
export function BatchMount() {
  const open = useBatchDialog((s) => s.open);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      openBatchDialog(false);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open]);
  return <Suspense fallback={null}>{open && <BatchDialog />}</Suspense>;
}
