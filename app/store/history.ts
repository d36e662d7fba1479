import type { Patch } from 'immer';

/**
 * Undo history as immer patches. One entry = one user action. Consecutive commits with the same
 * `group` (a typing burst in one field, the frames of one drag) merge into one entry until the group
 * is sealed (focus leaves the field, a different action happens, or the user pauses).
 */
export interface HistoryEntry {
  patches: Patch[];
  inverse: Patch[];
  group: string | null;
}

export interface History {
  past: HistoryEntry[];
  future: HistoryEntry[];
  /** The last entry may still absorb commits of its group. */
  open: boolean;
}

export const HISTORY_LIMIT = 300;

export const emptyHistory = (): History => ({ past: [], future: [], open: false });

export function record(h: History, entry: HistoryEntry): History {
  const last = h.past[h.past.length - 1];
  if (h.open && last && entry.group !== null && last.group === entry.group) {
    const merged: HistoryEntry = {
      patches: [...last.patches, ...entry.patches],
      inverse: [...entry.inverse, ...last.inverse],
      group: last.group,
    };
    return { past: [...h.past.slice(0, -1), merged], future: [], open: true };
  }
  const past = [...h.past, entry];
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { past, future: [], open: entry.group !== null };
}

export function seal(h: History): History {
  return h.open ? { ...h, open: false } : h;
}
