import { lazy, Suspense, useEffect } from 'react';
import { forgetBatch, startedBatches } from './batch-memory.ts';
import { openBatchDialog, useBatchDialog } from './batch-state.ts';

const BatchDialog = lazy(() => import('./BatchDialog.tsx').then((m) => ({ default: m.BatchDialog })));

/** The "Run as batch…" dialog, loaded when first opened; Escape closes it like every dialog. */
export function BatchMount() {
  const open = useBatchDialog((s) => s.open);
  const batchId = useBatchDialog((s) => s.batchId);
  useEffect(() => {
    // Closed while its batch runs: its results still join the gallery as items finish.
    if (open || !batchId) return;
    let stop: (() => void) | null = null;
    let gone = false;
    void import('./batch-feed.ts').then((m) => {
      if (!gone) stop = m.followBatch(batchId, () => forgetBatch(batchId));
    });
    return () => {
      gone = true;
      stop?.();
    };
  }, [open, batchId]);
  useEffect(() => {
    // After a reload or in a new tab: the batches this browser started and has not seen end are
    // followed in the background (the code loaded only when there is one).
    if (startedBatches().length === 0) return;
    let stop: (() => void) | null = null;
    let gone = false;
    void import('./batch-feed.ts').then((m) => {
      if (!gone) stop = m.followStartedBatches();
    });
    return () => {
      gone = true;
      stop?.();
    };
  }, []);
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
