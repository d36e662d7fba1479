/**
 * Which of the library's dialogs is open, what the library holds (as last listed), and which
 * library workflow the canvas holds with the text it was saved or opened as — so the editor can
 * tell whether replacing the canvas would lose work.
 */
import { create } from 'zustand';
import type { LibraryEntry } from './library-client.ts';

export interface ImportNotice {
  title: string;
  lines: string[];
}

interface LibraryState {
  dialog: 'library' | 'history' | null;
  entries: LibraryEntry[] | null;
  error: string | null;
  /** The library name of the open workflow, when it came from (or was saved to) the library. */
  current: string | null;
  /** The open workflow's content (positions aside) when it was last opened or saved; null = never. */
  baseline: string | null;
  notice: ImportNotice | null;
}

export const useLibrary = create<LibraryState>()(() => ({
  dialog: null,
  entries: null,
  error: null,
  current: null,
  baseline: null,
  notice: null,
}));

export function openLibraryDialog(which: 'library' | 'history' | null): void {
  useLibrary.setState({ dialog: which });
}

export function showImportNotice(notice: ImportNotice | null): void {
  useLibrary.setState({ notice });
}
