import { parseWorkflowText, serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { translate } from '../i18n/i18n.ts';
import { replaceDocument, toast, update, useEditor } from '../store/editor-store.ts';
import { fitView } from '../canvas/viewport.ts';
import { requestAsSent } from '../run/request-as-sent.ts';

/**
 * Opens a workflow file's text. A file that fails to parse or migrate is reported with its JSON
 * paths and the open workflow stays exactly as it was.
 */
export function openWorkflowText(text: string, name: string): boolean {
  const res = parseWorkflowText(text, name);
  const lang = useEditor.getState().lang;
  if (!res.ok) {
    update((s) => {
      s.importFailure = { name, errors: res.errors };
    });
    return false;
  }
  replaceDocument(res.workflow);
  update((s) => {
    s.dialog = null;
    s.importFailure = null;
  });
  toast(
    'info',
    res.migratedFrom !== undefined
      ? translate(lang, 'toast.migrated', { name: res.workflow.name, v: res.migratedFrom })
      : translate(lang, 'toast.imported', { name: res.workflow.name }),
  );
  requestAnimationFrame(() => requestAnimationFrame(fitView));
  return true;
}

export function download(filename: string, text: string, type = 'application/json'): void {
  downloadBlob(filename, new Blob([text], { type }));
}

/** Hands a file to the browser's downloads (the object URL is freed once the click has taken it). */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function safeFileName(name: string): string {
  return (name.trim() || 'workflow').replace(/[\\/:*?"<>|]+/g, '_').slice(0, 80);
}

export function saveWorkflowFile(): void {
  const { doc, lang } = useEditor.getState();
  download(`${safeFileName(doc.name)}.fooocus-flow.json`, serializeWorkflow(doc));
  toast('info', translate(lang, 'toast.saved', { name: doc.name }));
}

/** Downloads the request as a run would send it (prepared images, not the live view's last state). */
export async function exportRequestFile(): Promise<void> {
  const { doc } = useEditor.getState();
  const { request } = await requestAsSent(doc);
  download(`${safeFileName(doc.name)}.request.json`, JSON.stringify(request, null, 2));
}

/** Opens the OS file picker for a workflow. */
export function pickWorkflowFile(): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.json,application/json';
  input.onchange = async () => {
    const f = input.files?.[0];
    if (f) openWorkflowText(await f.text(), f.name);
  };
  input.click();
}
