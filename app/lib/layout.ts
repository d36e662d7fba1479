import type { Workflow } from '../../nodes/graph.ts';
import { layoutPositions as corePositions } from '../../nodes/layout.ts';
import type { XY } from '../store/editor-store.ts';

/** The core's layout with the nodes' measured sizes, so tall nodes don't overlap. */
export function layoutPositions(
  wf: Workflow,
  measured: Record<string, { width: number; height: number }>,
): Map<string, XY> {
  return corePositions(wf, (id) => measured[id]);
}
