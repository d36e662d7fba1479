import { create } from 'zustand';

/**
 * What this browser's storage refused, per area, until a later write there succeeds. A refused
 * write is shown as a lasting banner (StorageBanner), never as a passing toast: the user has to
 * act (free space, save to a file, download results) or the work is gone when the page closes.
 */
export type StorageArea = 'autosave' | 'gallery';

export interface StorageProblem {
  /** True when the browser said the storage is full (QuotaExceededError). */
  full: boolean;
  /** The browser's own words, for the curious and for bug reports. */
  detail: string;
  at: number;
}

export type StorageProblems = Record<StorageArea, StorageProblem | null>;

export const useStorageProblems = create<StorageProblems>()(() => ({ autosave: null, gallery: null }));

/** A DOMException named QuotaExceededError, or an abort whose cause says so (Chromium words it variously). */
export function isQuotaError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: unknown; message?: unknown };
  return e.name === 'QuotaExceededError' || /quota/i.test(String(e.message ?? ''));
}

function describeError(err: unknown): string {
  if (err && typeof err === 'object' && 'name' in err) {
    const e = err as { name: unknown; message?: unknown };
    return `${String(e.name)}: ${String(e.message ?? '')}`.slice(0, 300);
  }
  return String(err).slice(0, 300);
}

export function reportStorageFailure(area: StorageArea, err: unknown): void {
  useStorageProblems.setState({
    [area]: { full: isQuotaError(err), detail: describeError(err), at: Date.now() },
  });
}

/** A write in this area went through: whatever it refused before is resolved. */
export function reportStorageSuccess(area: StorageArea): void {
  if (useStorageProblems.getState()[area]) useStorageProblems.setState({ [area]: null });
}
