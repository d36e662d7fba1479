import { serializeWorkflow } from '../compiler/workflow-file/index.ts';
import { compileSoon } from './store/compile-scheduler.ts';
import { redo, undo, useEditor } from './store/editor-store.ts';
import { flushAutosave, holdAutosave } from './persistence/autosave.ts';
import { loadLayout } from './lib/layout.ts';
import { layoutsPending } from './canvas/auto-layout.ts';
import { centreOn, showAll } from './canvas/viewport.ts';
import { simulateStorageFull } from './run/gallery-db.ts';
import { getAssetRecord } from './assets/asset-db.ts';

/**
 * A small read-mostly window for browser tests and the benchmark: the compiled request, the
 * document, history depth. Users never need it; it exposes nothing the UI doesn't show.
 */
export function installTestHooks(): void {
  (window as unknown as { __fooocusFlow: unknown }).__fooocusFlow = {
    compile: () => compileSoon(),
    request: () => compileSoon().then((r) => r.request),
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
    /** Brings these nodes into view together, zooming out only when they do not fit (a test drags a wire between them). */
    showNodes: (ids: string[]) => showAll(ids),
    /** An object URL of a stored asset (`asset:<hash>`), to check the bytes a request will carry. */
    assetUrl: async (ref: string) => {
      const rec = await getAssetRecord(ref.replace(/^asset:/, ''));
      return rec ? URL.createObjectURL(rec.blob) : null;
    },
    /** Resolves once no layout is waiting (for sample images, measured sizes or its code). */
    layoutIdle: () =>
      new Promise<boolean>((resolve) => {
        const tick = () => (layoutsPending() === 0 ? resolve(true) : requestAnimationFrame(tick));
        tick();
      }),
    /** Resolves once auto-layout's code is loaded (it is fetched after the first paint). */
    layoutReady: () => loadLayout().then(() => true),
    loadForBench: (doc: unknown) => {
      useEditor.setState((s) => ({ doc: doc as typeof s.doc, docRevision: s.docRevision + 1, dialog: null }));
    },
  };
}
