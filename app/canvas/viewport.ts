import type { ReactFlowInstance } from '@xyflow/react';
import type { XY } from '../store/editor-store.ts';
import type { FlowNode } from './rf-adapter.ts';

/** The canvas registers its React Flow instance so toolbar and keyboard actions can reach the view. */
let instance: ReactFlowInstance<FlowNode> | null = null;

export function registerViewport(rf: ReactFlowInstance<FlowNode>): () => void {
  instance = rf;
  return () => {
    if (instance === rf) instance = null;
  };
}

/**
 * The smallest zoom fit-view goes to: node text is 12 px, so at this zoom it is still ≥ 11 px on
 * screen (at 0.5 a large template's labels were 6 px, and Chinese unreadable).
 */
export const READABLE_ZOOM = 11 / 12;
export const READABLE_FIT = { padding: 0.15, maxZoom: 1.2, minZoom: READABLE_ZOOM };

/**
 * Fits the graph in view, but never below the readable zoom: a graph too large for that is shown
 * from its start (left edge, the top when it is taller than the canvas), to be read by panning.
 */
export function fitView(): void {
  const rf = instance;
  const el = document.querySelector('.react-flow');
  if (!rf || !el) return;
  const nodes = rf.getNodes();
  if (!nodes.length) return;
  const b = rf.getNodesBounds(nodes);
  const { width, height } = el.getBoundingClientRect();
  const pad = 0.15;
  const fit = Math.min(
    (width * (1 - pad)) / Math.max(1, b.width),
    (height * (1 - pad)) / Math.max(1, b.height),
  );
  if (fit >= READABLE_ZOOM) {
    void rf.fitView(READABLE_FIT);
    return;
  }
  const zoom = READABLE_ZOOM;
  const margin = 24;
  const x = margin - b.x * zoom;
  const y =
    b.height * zoom + 2 * margin <= height
      ? (height - b.height * zoom) / 2 - b.y * zoom
      : margin - b.y * zoom;
  void rf.setViewport({ x, y, zoom });
}

/** Shows these nodes together: pans, and zooms out only as far as they need to fit. */
export function showAll(ids: string[]): void {
  const rf = instance;
  if (!rf) return;
  void rf.fitView({ nodes: ids.map((id) => ({ id })), padding: 0.2, maxZoom: rf.getZoom(), minZoom: 0.1 });
}

/** Pans (zoom unchanged) so the flow point `p` is at the centre of the canvas. */
export function centreOn(p: XY): void {
  void instance?.setCenter(p.x, p.y, { zoom: instance.getZoom() });
}

/** The flow position at the centre of the visible canvas (where keyboard-added nodes go). */
export function viewCentre(): XY {
  const el = document.querySelector('.react-flow');
  if (!instance || !el) return { x: 0, y: 0 };
  const r = el.getBoundingClientRect();
  return instance.screenToFlowPosition({ x: r.left + r.width / 2 - 120, y: r.top + r.height / 2 - 60 });
}
