import { serializeWorkflow } from '../compiler/workflow-file/index.ts';
import { compileNow } from './store/compile-scheduler.ts';
import { redo, undo, useEditor } from './store/editor-store.ts';
import { flushAutosave } from './persistence/autosave.ts';

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
    loadForBench: (doc: unknown) => {
      useEditor.setState((s) => ({ doc: doc as typeof s.doc, docRevision: s.docRevision + 1, dialog: null }));
    },
  };
}
