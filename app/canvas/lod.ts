import { createContext } from 'react';
import type { ReactFlowState } from '@xyflow/react';

/**
 * Level of detail: below this canvas zoom a node shows its inline fields as read-only text instead
 * of live form controls. Hundreds of inputs, selects and sliders on a zoomed-out canvas make
 * Chromium's compositing (layerize) dominate every frame of a drag or a keystroke; at this scale
 * they are too small to use anyway.
 */
export const LOD_ZOOM = 0.4;
export const zoomedOut = (s: ReactFlowState) => s.transform[2] < LOD_ZOOM;

/**
 * Whether the canvas is zoomed out below {@link LOD_ZOOM}. The canvas reads React Flow's store once
 * and hands the answer down: a store subscription per node view ran a thousand selectors on every
 * drag frame of a 1000-node graph; a context re-renders the nodes only when the answer flips.
 */
export const CompactContext = createContext(false);
