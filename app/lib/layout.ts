import type { Workflow } from '../../nodes/graph.ts';
import type { XY } from '../store/editor-store.ts';

/**
 * Auto-layout runs dagre, which first paint does not need: it is loaded on demand (and prefetched
 * once the editor is idle, so a click on Auto-layout normally finds it ready and lays out at once).
 */
type Core = typeof import('../../nodes/layout.ts');
let core: Core | null = null;
let loading: Promise<Core> | null = null;

export function loadLayout(): Promise<Core> {
  loading ??= import('../../nodes/layout.ts').then((m) => (core = m));
  return loading;
}

/** The core's layout with the nodes' measured sizes, so tall nodes don't overlap. */
function positions(
  c: Core,
  wf: Workflow,
  measured: Record<string, { width: number; height: number }>,
): Map<string, XY> {
  return c.layoutPositions(wf, (id) => measured[id]);
}

/**
 * Calls `fn` with the layout function: synchronously when dagre is loaded, else once it is.
 * The caller reads the document inside `fn`, so a late layout uses the document as it is then.
 */
export function withLayout(
  fn: (
    layoutPositions: (
      wf: Workflow,
      measured: Record<string, { width: number; height: number }>,
    ) => Map<string, XY>,
  ) => void,
): void {
  if (core) {
    const c = core;
    fn((wf, m) => positions(c, wf, m));
    return;
  }
  void loadLayout().then((c) => fn((wf, m) => positions(c, wf, m)));
}
