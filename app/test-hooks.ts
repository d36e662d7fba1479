import { serializeWorkflow } from '../compiler/workflow-file/index.ts';
import { compileNow } from './store/compile-scheduler.ts';
import { redo, undo, useEditor } from './store/editor-store.ts';
import { flushAutosave, holdAutosave } from './persistence/autosave.ts';
import { loadLayout } from './lib/layout.ts';
import { centreOn } from './canvas/viewport.ts';
import { simulateStorageFull } from './run/gallery-db.ts';

/**
 * A small read-mostly window for browser tests and the benchmark: the compiled request, the
 * document, history depth. Users never need it; it exposes nothing the UI doesn't show.
 */
export function installTestHooks(): void {
  (window as unknown as { __fooocusFlow: unknown }).__fooocusFlow = {
    compile: () => compileNow(),
    request: () => compileNow().request,
    doc: () => JSON.parse(serializeWorkflow(useEditor.getState().doc)) as unknown,
    history: () => ({
      past: useEditor.getState().history.past.length,
      future: useEditor.getState().history.future.length,
    }),
    undo,
    redo,
    flushAutosave,
    holdAutosave,
    /** The gallery's writes fail with a QuotaExceededError (Chromium ignores CDP quota overrides here). */
    simulateStorageFull,
    /** Pans the view (zoom unchanged) to a node, for the benchmark's drag on a graph larger than the view. */
    showNode: (id: string) => {
      const n = useEditor.getState().doc.nodes.find((x) => x.id === id);
      if (n) centreOn({ x: n.position.x + 100, y: n.position.y + 60 });
    },
    /** Resolves once auto-layout's code is loaded (it is fetched after the first paint). */
    layoutReady: () => loadLayout().then(() => true),
    loadForBench: (doc: unknown) => {
      useEditor.setState((s) => ({ doc: doc as typeof s.doc, docRevision: s.docRevision + 1, dialog: null }));
    },
  };
}
