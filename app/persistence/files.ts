import { exportWorkflow, openWorkflowText as openFile } from '../../compiler/workflow-file/index.ts';
import { translate } from '../i18n/i18n.ts';
import { localText, replaceDocument, toast, update, useEditor } from '../store/editor-store.ts';
import { ImageTooLargeError, overBudgetText } from '../../compiler/prepare/pixel-budget.ts';
import { fitView } from '../canvas/viewport.ts';
import { requestAsSent } from '../run/request-as-sent.ts';
import { browserAssetStore } from '../assets/asset-db.ts';
import { storeOpenedAssets } from './open-assets.ts';
import { markClean } from '../library/unsaved.ts';

/**
 * Opens a workflow file's text (version 2 with embedded images, or version 1 with inline ones,
 * which become assets). A file that fails to parse or migrate is reported with its JSON paths and
 * the open workflow stays exactly as it was. Images the file does not carry (saved without images)
 * are reported, and marked on their nodes.
 */
export async function openWorkflowText(text: string, name: string): Promise<boolean> {
  // A FooocusAPI request (JSON, Python, curl, task record) opens as a decompiled graph. Reading
  // requests (decompile, and dagre to lay the graph out) is loaded on demand: not first paint.
  const { looksLikeWorkflowText, tryOpenRequestText } = await import('./open-request.ts');
  if (!looksLikeWorkflowText(text)) {
    const r = await tryOpenRequestText(text, name.replace(/\.[a-z]+$/i, ''), 'new');
    if (r.outcome !== 'not-request') return r.outcome === 'opened';
    // JSON that is no request is reported as a broken workflow file (with its JSON path) below.
    if (!/^\s*[[{]/.test(text.replace(/^\ufeff/, ''))) {
      update((s) => {
        s.importFailure = { name, errors: [{ path: '(file)', message: r.reason }] };
      });
      return false;
    }
  }
  const res = await openFile(text, name);
  const lang = useEditor.getState().lang;
  if (!res.ok) {
    update((s) => {
      s.importFailure = { name, errors: res.errors };
    });
    return false;
  }
  const tooLarge: ImageTooLargeError[] = [];
  const missing = await storeOpenedAssets(res.workflow, res.assets, (_, err) => tooLarge.push(err));
  replaceDocument(res.workflow);
  markClean(null);
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
  // An embedded decompression bomb is not stored (its node shows the image missing): say why.
  if (tooLarge.length)
    toast(
      'error',
      translate(lang, 'asset.tooLargeOnOpen', { n: tooLarge.length, name }),
      localText(overBudgetText(tooLarge[0]!.width, tooLarge[0]!.height)),
    );
  if (missing.length > tooLarge.length)
    toast('error', translate(lang, 'asset.missingOnOpen', { n: missing.length - tooLarge.length }));
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

/**
 * Saves ONE file: with its images embedded (another machine opens and runs it as it is), or
 * without them, a reusable template whose image inputs are filled in later.
 */
export async function saveWorkflowFile(images: 'embed' | 'omit' = 'embed'): Promise<void> {
  const { doc, lang } = useEditor.getState();
  const out = await exportWorkflow(doc, browserAssetStore, { images });
  download(`${safeFileName(doc.name)}.fooocus-flow.json`, out.text);
  toast(
    'info',
    translate(lang, images === 'embed' ? 'toast.saved' : 'toast.savedWithoutImages', { name: doc.name }),
  );
  if (out.missing.length) toast('error', translate(lang, 'asset.missingOnSave', { n: out.missing.length }));
}

/** Downloads the request as a run would send it (prepared images, not the live view's last state). */
export async function exportRequestFile(): Promise<void> {
  const { doc } = useEditor.getState();
  const { request, steps } = await requestAsSent(doc);
  // A graph run as steps: every step's request, in run order (each later one takes the previous
  // result where it says "fooocus-flow:step-result:N").
  const body = steps.length > 1 ? steps.map((s) => s.request) : request;
  download(`${safeFileName(doc.name)}.request.json`, JSON.stringify(body, null, 2));
}

/** Opens the OS file picker for a workflow. */
export function pickWorkflowFile(): void {
  const input = document.createElement('input');
  input.type = 'file';
  // Workflows, and FooocusAPI requests as JSON, Python or a curl command.
  input.accept = '.json,application/json,.py,.txt,.sh,.curl,text/plain';
  input.onchange = async () => {
    const f = input.files?.[0];
    if (f) await openWorkflowText(await f.text(), f.name);
  };
  input.click();
}
