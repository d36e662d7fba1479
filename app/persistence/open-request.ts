/**
 * A FooocusAPI request pasted, opened or dropped (JSON, the documents' Python dict, a curl command
 * or a task record; compiler/decompile-input/) becomes a laid-out graph: a new workflow for Open
 * and drop (after asking when the open one is unsaved), nodes inserted into the current graph for
 * paste. A notice says which form was recognised, what was ignored and what the server would ignore.
 */
import { decompileText } from '../../compiler/decompile.ts';
import { internInlineImages } from '../../compiler/workflow-file/index.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { viewCentre } from '../canvas/viewport.ts';
import { layout, whenMeasured } from '../canvas/auto-layout.ts';
import { translate } from '../i18n/i18n.ts';
import { showImportNotice } from '../library/library-state.ts';
import { confirmReplace, markClean } from '../library/unsaved.ts';
import { replaceDocument, sealHistory, toast, update, useEditor } from '../store/editor-store.ts';
import { insertFragment } from '../store/graph-actions.ts';
import { storeOpenedAssets } from './open-assets.ts';

let openSeq = 0;

/** The decompiled graph with its inline images moved to the asset store. */
async function decompiledWorkflow(
  text: string,
  name: string,
): Promise<{ ok: true; workflow: Workflow; lines: string[] } | { ok: false; reason: string }> {
  const r = decompileText(text, name);
  if (!r.ok)
    return {
      ok: false,
      reason: r.errors.map((e) => (e.path === '(file)' ? e.message : `${e.path}: ${e.message}`)).join('; '),
    };
  const lang = useEditor.getState().lang;
  const lines = r.notes.map((n) => (lang === 'zh' ? n.zh : n.en));
  const interned = await internInlineImages(r.workflow);
  // An image cut off in the document (the seeds' "iVBOR...") stays as written, marked on its node.
  if (interned.errors.length) lines.push(translate(lang, 'import.cutImage'));
  await storeOpenedAssets(interned.workflow, interned.bytes);
  return { ok: true, workflow: interned.workflow, lines };
}

/**
 * Opens (mode 'new') or inserts ('insert') a request's text. False, with the reason shown, when
 * the text is no request, or the user kept the open workflow.
 */
export async function openRequestText(text: string, name: string, mode: 'new' | 'insert'): Promise<boolean> {
  const r = await tryOpenRequestText(text, name, mode);
  if (r.outcome !== 'not-request') return r.outcome === 'opened';
  toast(
    'error',
    translate(useEditor.getState().lang, 'import.notRequest', { reason: r.reason.slice(0, 400) }),
  );
  return false;
}

export type RequestOpenOutcome =
  | { outcome: 'opened' | 'kept' }
  /** The text is no request; nothing was changed or shown, the caller reports it. */
  | { outcome: 'not-request'; reason: string };

export async function tryOpenRequestText(
  text: string,
  name: string,
  mode: 'new' | 'insert',
): Promise<RequestOpenOutcome> {
  const lang = useEditor.getState().lang;
  const res = await decompiledWorkflow(text, name);
  if (!res.ok) return { outcome: 'not-request', reason: res.reason };
  if (mode === 'insert') {
    const wf = res.workflow;
    // Onto an empty canvas the request keeps its meaning: one request, exactly as it was written.
    const ids = insertFragment(wf.nodes, wf.edges, viewCentre(), Object.values(wf.assets), 'one-request');
    showImportNotice({ title: translate(lang, 'import.titleInserted', { n: ids.length }), lines: res.lines });
    return { outcome: ids.length > 0 ? 'opened' : 'kept' };
  }
  if (!confirmReplace()) return { outcome: 'kept' };
  const group = `request:${++openSeq}`;
  replaceDocument(res.workflow, { group });
  update((s) => {
    s.dialog = null;
    s.importFailure = null;
  });
  markClean(null);
  showImportNotice({ title: translate(lang, 'import.title'), lines: res.lines });
  // Laid out again with the nodes' measured sizes, as one undo step with the open.
  whenMeasured(() => layout(group, sealHistory));
  return { outcome: 'opened' };
}

/** A workflow file announces itself; anything else is read as a request. */
export function looksLikeWorkflowText(text: string): boolean {
  return /"format"\s*:\s*"fooocus-flow\//.test(text.slice(0, 65536));
}
