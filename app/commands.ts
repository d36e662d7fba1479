import { holdLayout, layout, whenMeasured } from './canvas/auto-layout.ts';
import { workflowNameIn } from './lib/node-names.ts';
import { emptyWorkflow, type Workflow } from '../nodes/graph.ts';
import { withSampleImages } from './samples/fill-samples.ts';
import { confirmReplace, markClean } from './library/unsaved.ts';
import type { Template } from '../compiler/authoring/templates.ts';
import type { MessageKey } from './i18n/catalog.ts';
import { translate } from './i18n/i18n.ts';
import { fitView, viewCentre } from './canvas/viewport.ts';
import { pickWorkflowFile, saveWorkflowFile } from './persistence/files.ts';
import { referencedAssets } from '../compiler/workflow-file/index.ts';
import { storedAssets } from './assets/asset-db.ts';
import { replaceDocument, redo, sealHistory, toast, undo, update, useEditor } from './store/editor-store.ts';
import {
  deleteSelection,
  duplicateSelection,
  insertFragment,
  selectOnly,
  selectedFragment,
} from './store/graph-actions.ts';
import { fromClipboardText, toClipboardText } from '../compiler/authoring/clipboard.ts';
import { startRun } from './run/run-actions.ts';
import { openGallery, useGallery } from './run/gallery-state.ts';
import { openSettings, useSettingsDialog } from './panels/settings-dialog-state.ts';
import { openPainter, usePainter } from './panels/painter-state.ts';

/**
 * Every editor action in one list: the toolbar, the keyboard handler and the shortcuts help read it,
 * so a shortcut always does what its button does.
 */
export interface Command {
  id: string;
  label: MessageKey;
  keys: string[];
  run: () => void;
}

const lang = () => useEditor.getState().lang;

export function doUndo(): void {
  if (!undo()) toast('info', translate(lang(), 'toast.undoNothing'));
}
export function doRedo(): void {
  if (!redo()) toast('info', translate(lang(), 'toast.redoNothing'));
}

export function openSearch(): void {
  const sel = Object.keys(useEditor.getState().selectedNodes);
  const position = viewCentre();
  update((s) => {
    s.search = { mode: sel.length === 1 ? 'connect' : 'add', position };
  });
}

let templateSeq = 0;

export function selectAll(): void {
  selectOnly(useEditor.getState().doc.nodes.map((n) => n.id));
}

export function copyText(): string | null {
  const { nodes, edges } = selectedFragment();
  if (!nodes.length) return null;
  toast('info', translate(lang(), 'toast.copied', { n: nodes.length }));
  return toClipboardText(nodes, edges, useEditor.getState().doc.assets);
}

/**
 * Pastes copied nodes. Images travel by reference with their metadata: another tab of this browser
 * finds the bytes in IndexedDB; images that are not here (a snippet from another browser) are
 * reported, and marked on their nodes.
 */
export async function pasteText(text: string): Promise<boolean> {
  const res = fromClipboardText(text);
  // Not nodes: perhaps a FooocusAPI request (JSON, Python dict, curl, task record) to insert.
  // Loaded on demand: reading requests (decompile, and dagre to lay the graph out) is not first paint.
  if (!res.ok && res.reason.startsWith('not Fooocus Flow nodes'))
    return (await import('./persistence/open-request.ts')).openRequestText(text, 'Pasted request', 'insert');
  if (!res.ok) {
    toast('error', translate(lang(), 'toast.pasteFailed', { reason: res.reason }));
    return false;
  }
  const ids = insertFragment(res.nodes, res.edges, viewCentre(), Object.values(res.assets));
  if (ids.length) toast('info', translate(lang(), 'toast.pasted', { n: ids.length }));
  const { missing } = await storedAssets(referencedAssets({ nodes: res.nodes }));
  if (ids.length && missing.length)
    toast('error', translate(lang(), 'asset.missingOnPaste', { n: missing.length }));
  return ids.length > 0;
}

export function newWorkflow(): void {
  update((s) => {
    s.dialog = 'start';
  });
}

/**
 * Opens a template (or a blank canvas) as one undo step, laid out with the nodes' real sizes. Unsaved
 * work is not replaced without asking (the same question as Open… and the library). Returns false
 * when the user keeps their work.
 */
export function openTemplate(t: Template | null): boolean {
  if (!confirmReplace()) return false;
  const seq = ++templateSeq;
  const group = `template:${seq}`;
  const show = (wf: Workflow) => {
    // A template picked while another was still drawing its sample images: the last pick wins,
    // whichever finishes first (the earlier one would otherwise replace it, or mix with it).
    if (seq !== templateSeq) return;
    replaceDocument({ ...wf, name: workflowNameIn(wf.name, lang()) }, { group });
    update((s) => {
      s.dialog = null;
    });
    markClean(null);
    // Clean again once laid out: what the opening itself settled (sizes, layout) is not the user's work.
    whenMeasured(() =>
      layout(group, () => {
        sealHistory();
        markClean(null);
      }),
    );
  };
  if (!t) {
    show(emptyWorkflow());
    return true;
  }
  // New workflows split what one request cannot do into steps; "Everything mixed" reproduces the
  // documents' one request exactly (its Vary is discarded by the Inpaint, as they describe).
  const overflow = t.id === 'vary-inpaint-image-prompt' ? ('one-request' as const) : ('steps' as const);
  // A seed template comes with the project's drawn sample images, so Run works at once.
  void holdLayout(withSampleImages({ ...t.build(), overflow })).then(({ workflow }) => show(workflow));
  return true;
}

export const COMMANDS: Command[] = [
  { id: 'undo', label: 'kbd.undo', keys: ['Ctrl+Z'], run: doUndo },
  { id: 'redo', label: 'kbd.redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], run: doRedo },
  { id: 'search', label: 'kbd.search', keys: ['Space', 'Shift+A'], run: openSearch },
  { id: 'delete', label: 'kbd.delete', keys: ['Delete', 'Backspace'], run: deleteSelection },
  { id: 'duplicate', label: 'kbd.duplicate', keys: ['Ctrl+D'], run: duplicateSelection },
  { id: 'copy', label: 'kbd.copy', keys: ['Ctrl+C'], run: () => undefined },
  { id: 'cut', label: 'kbd.cut', keys: ['Ctrl+X'], run: () => undefined },
  { id: 'paste', label: 'kbd.paste', keys: ['Ctrl+V'], run: () => undefined },
  { id: 'selectAll', label: 'kbd.selectAll', keys: ['Ctrl+A'], run: selectAll },
  { id: 'save', label: 'kbd.save', keys: ['Ctrl+S'], run: () => void saveWorkflowFile('embed') },
  { id: 'open', label: 'kbd.open', keys: ['Ctrl+O'], run: pickWorkflowFile },
  { id: 'run', label: 'kbd.run', keys: ['Ctrl+Enter'], run: () => void startRun() },
  { id: 'layout', label: 'kbd.layout', keys: ['Ctrl+Shift+L'], run: () => layout() },
  { id: 'fit', label: 'kbd.fit', keys: ['Shift+1'], run: fitView },
  {
    id: 'help',
    label: 'kbd.help',
    keys: ['?'],
    run: () =>
      update((s) => {
        s.dialog = 'shortcuts';
      }),
  },
  {
    id: 'escape',
    label: 'kbd.escape',
    keys: ['Escape'],
    run: () => {
      const s = useEditor.getState();
      if (useGallery.getState().open || useSettingsDialog.getState().open || usePainter.getState().maskId) {
        if (useGallery.getState().lightbox) useGallery.setState({ lightbox: null, compare: null });
        else openGallery(false);
        openSettings(false);
        openPainter(null);
        return;
      }
      if (s.search || s.dialog || s.importFailure)
        update((d) => {
          d.search = null;
          d.dialog = null;
          d.importFailure = null;
        });
      else selectOnly([]);
    },
  },
];

/** Documentation-only rows for the help panel (handled by React Flow or the browser). */
export const EXTRA_SHORTCUTS: { label: MessageKey; keys: string[] }[] = [
  { label: 'kbd.focusNext', keys: ['Tab', 'Shift+Tab'] },
  { label: 'kbd.move', keys: ['←', '↑', '→', '↓'] },
];
