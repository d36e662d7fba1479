/**
 * Auto-layout with the nodes' measured sizes, apart from the command list so that the modules the
 * commands use (opening a request, gallery actions) can lay a graph out without importing them.
 */
import { withLayout } from '../lib/layout.ts';
import { useEditor } from '../store/editor-store.ts';
import { setAllPositions } from '../store/graph-actions.ts';
import { fitView } from './viewport.ts';

/**
 * Layouts asked for and not yet applied (an opened template waits for its sample images and the
 * nodes' sizes). Browser tests wait for none before reading positions (app/test-hooks.ts).
 */
let pending = 0;
export function layoutsPending(): number {
  return pending;
}

/** Counts `work` as a pending layout until it settles (the wait before a `whenMeasured` layout). */
export function holdLayout<T>(work: Promise<T>): Promise<T> {
  pending++;
  return work.finally(() => pending--);
}

/** Lays the graph out (one undo step, or part of `group`); `then` runs right after the layout's commit. */
export function layout(group?: string, then?: () => void): void {
  pending++;
  withLayout((layoutPositions) => {
    try {
      const { doc, measured } = useEditor.getState();
      setAllPositions(layoutPositions(doc, measured), group);
      then?.();
    } finally {
      pending--;
    }
    requestAnimationFrame(() => requestAnimationFrame(fitView));
  });
}

/** Runs `fn` once every node has been measured (a few frames after they appear), or after ~20 frames. */
export function whenMeasured(fn: () => void, frames = 20): void {
  pending++;
  const wait = (left: number) => {
    const s = useEditor.getState();
    if (left > 0 && !s.doc.nodes.every((n) => s.measured[n.id])) {
      requestAnimationFrame(() => wait(left - 1));
      return;
    }
    pending--;
    fn();
  };
  wait(frames);
}
