/**
 * Auto-layout with the nodes' measured sizes, apart from the command list so that the modules the
 * commands use (opening a request, gallery actions) can lay a graph out without importing them.
 */
import { withLayout } from '../lib/layout.ts';
import { useEditor } from '../store/editor-store.ts';
import { setAllPositions } from '../store/graph-actions.ts';
import { fitView } from './viewport.ts';

/** Lays the graph out (one undo step, or part of `group`); `then` runs right after the layout's commit. */
export function layout(group?: string, then?: () => void): void {
  withLayout((layoutPositions) => {
    const { doc, measured } = useEditor.getState();
    setAllPositions(layoutPositions(doc, measured), group);
    then?.();
    requestAnimationFrame(() => requestAnimationFrame(fitView));
  });
}

/** Runs `fn` once every node has been measured (a few frames after they appear), or after ~20 frames. */
export function whenMeasured(fn: () => void, frames = 20): void {
  const s = useEditor.getState();
  if (frames <= 0 || s.doc.nodes.every((n) => s.measured[n.id])) fn();
  else requestAnimationFrame(() => whenMeasured(fn, frames - 1));
}
