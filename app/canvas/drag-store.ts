import { create } from 'zustand';
import type { XY } from '../store/editor-store.ts';

/**
 * Positions of the nodes being dragged, written on every frame of a drag and to the document once,
 * when the drag ends. Kept apart from the editor store on purpose: every node view, panel and field
 * subscribes to the editor store (several selectors per node), so a write there on each frame ran
 * thousands of selectors per frame on a 1000-node graph; only the canvas reads this one.
 */
export const useDrag = create<{ positions: Record<string, XY> | null }>()(() => ({ positions: null }));

export function setDragPositions(positions: Record<string, XY> | null): void {
  useDrag.setState({ positions });
}
