import { pushApart, type Box } from '../../nodes/layout-overlap.ts';
import { commitIntoLast, useEditor } from '../store/editor-store.ts';
import { useDrag } from './drag-store.ts';

/**
 * Called with the sizes React Flow measured before a batch of dimension changes: a node that grew
 * (a thumbnail arrived, a warning appeared) moves the nodes it now covers out of its way. The move
 * joins the action that made it grow in the undo history (see commitIntoLast).
 */
export function keepApart(before: Record<string, { width: number; height: number } | undefined>): void {
  const s = useEditor.getState();
  if (useDrag.getState().positions) return; // a drag in progress moves nodes itself
  const boxes = new Map<string, Box>();
  for (const n of s.doc.nodes) {
    const m = s.measured[n.id];
    if (m) boxes.set(n.id, { x: n.position.x, y: n.position.y, width: m.width, height: m.height });
  }
  const moves = new Map<string, { x: number; y: number }>();
  for (const [id, old] of Object.entries(before)) {
    const now = s.measured[id];
    if (!old || !now || (now.width <= old.width && now.height <= old.height)) continue;
    for (const [other, p] of pushApart(boxes, id, old)) {
      moves.set(other, p);
      const b = boxes.get(other);
      if (b) boxes.set(other, { ...b, ...p });
    }
  }
  if (!moves.size) return;
  commitIntoLast((d) => {
    for (const n of d.nodes) {
      const p = moves.get(n.id);
      if (p) n.position = p;
    }
  });
}
