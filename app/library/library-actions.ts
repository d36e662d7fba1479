/**
 * What the library's buttons do: list, save the canvas (its images embedded, so the CLI can run it
 * by name on this machine), open (asking first when the canvas has unsaved work), rename,
 * duplicate, delete. Errors are shown with the app server's own reason.
 */
import { exportWorkflow } from '../../compiler/workflow-file/index.ts';
import { toLibraryName } from '../../compiler/workflow-file/library-names.ts';
import { browserAssetStore } from '../assets/asset-db.ts';
import { translate } from '../i18n/i18n.ts';
import { openWorkflowText } from '../persistence/files.ts';
import { toast, useEditor } from '../store/editor-store.ts';
import {
  deleteLibraryWorkflow,
  LibraryRequestError,
  listLibrary,
  readLibraryWorkflow,
  renameLibraryWorkflow,
  saveLibraryWorkflow,
} from './library-client.ts';
import { openLibraryDialog, useLibrary } from './library-state.ts';
import { confirmReplace, markClean } from './unsaved.ts';

const lang = () => useEditor.getState().lang;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function refreshLibrary(): Promise<void> {
  try {
    useLibrary.setState({ entries: await listLibrary(), error: null });
  } catch (e) {
    useLibrary.setState({ error: translate(lang(), 'library.unavailable', { reason: message(e) }) });
  }
}

/** A valid library name from what the user typed, or null (and why) when nothing usable is left. */
export function libraryNameFrom(text: string): string | null {
  const name = toLibraryName(text);
  if (!name) toast('error', translate(lang(), 'library.badName'));
  return name || null;
}

export async function saveToLibrary(typed: string): Promise<boolean> {
  const name = libraryNameFrom(typed);
  if (!name) return false;
  const doc = useEditor.getState().doc;
  const { text } = await exportWorkflow({ ...doc, name }, browserAssetStore, { images: 'embed' });
  try {
    try {
      await saveLibraryWorkflow(name, text, useLibrary.getState().current === name);
    } catch (e) {
      if (!(e instanceof LibraryRequestError && e.status === 409)) throw e;
      if (!window.confirm(translate(lang(), 'library.overwrite', { name }))) return false;
      await saveLibraryWorkflow(name, text, true);
    }
  } catch (e) {
    toast('error', translate(lang(), 'library.unavailable', { reason: message(e) }));
    return false;
  }
  markClean(name);
  toast('info', translate(lang(), 'library.saved', { name }));
  await refreshLibrary();
  return true;
}

export async function openFromLibrary(name: string): Promise<boolean> {
  if (!confirmReplace()) return false;
  let text: string;
  try {
    text = await readLibraryWorkflow(name);
  } catch (e) {
    toast('error', translate(lang(), 'library.unavailable', { reason: message(e) }));
    return false;
  }
  if (!(await openWorkflowText(text, name))) return false;
  markClean(name);
  openLibraryDialog(null);
  return true;
}

export async function renameInLibrary(
  name: string,
  typed: string,
  action: 'rename' | 'duplicate',
): Promise<void> {
  const to = libraryNameFrom(typed);
  if (!to) return;
  try {
    await renameLibraryWorkflow(name, to, action);
    if (action === 'rename' && useLibrary.getState().current === name) useLibrary.setState({ current: to });
  } catch (e) {
    toast('error', translate(lang(), 'library.unavailable', { reason: message(e) }));
  }
  await refreshLibrary();
}

export async function deleteFromLibrary(name: string): Promise<void> {
  if (!window.confirm(translate(lang(), 'library.deleteConfirm', { name }))) return;
  try {
    await deleteLibraryWorkflow(name);
    if (useLibrary.getState().current === name) useLibrary.setState({ current: null, baseline: null });
  } catch (e) {
    toast('error', translate(lang(), 'library.unavailable', { reason: message(e) }));
  }
  await refreshLibrary();
}
