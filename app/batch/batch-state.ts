/** Whether the "Run as batch…" dialog is open, and the batch it shows (kept while it is closed). */
import { create } from 'zustand';

interface BatchDialogState {
  open: boolean;
  /** The batch this session started last: reopening the dialog shows it again. */
  batchId: string | null;
}

export const useBatchDialog = create<BatchDialogState>()(() => ({ open: false, batchId: null }));

export const openBatchDialog = (open: boolean) => useBatchDialog.setState({ open });
