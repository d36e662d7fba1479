import { NODE_GAP, overlaps, type Box } from '../../nodes/layout-overlap.ts';
import type { XY } from '../store/editor-store.ts';
import { useEditor } from '../store/editor-store.ts';

/** The size a node is expected to take before it is measured (an Input Image with its thumbnail). */
export const NEW_NODE_SIZE = { width: 260, height: 240 };

/** The boxes of the nodes on the canvas (measured sizes, or a typical one). */
export function nodeBoxes(): Box[] {
  const s = useEditor.getState();
  return s.doc.nodes.map((n) => {
    const m = s.measured[n.id] ?? { width: 260, height: 150 };
    return { x: n.position.x, y: n.position.y, width: m.width, height: m.height };
  });
}

/**
 * The first place at or after `want` where a node of `size` covers no other node: straight down in
 * steps, then (for a very full column) the next column to the left.
 */
export function freeSpot(want: XY, size = NEW_NODE_SIZE, boxes: Box[] = nodeBoxes()): XY {
  for (let col = 0; col < 20; col++) {
    const x = want.x - col * (size.width + NODE_GAP * 2);
    for (let y = want.y, i = 0; i < 40; i++) {
      const box = { x, y, width: size.width, height: size.height };
      const hit = boxes.find((b) => overlaps(box, b, NODE_GAP));
      if (!hit) return { x: Math.round(x), y: Math.round(y) };
      y = hit.y + hit.height + NODE_GAP;
    }
  }
  return want;
}
