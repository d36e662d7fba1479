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

export function fitView(): void {
  void instance?.fitView({ padding: 0.15, maxZoom: 1.2 });
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

export function screenToFlow(p: XY): XY {
  return instance ? instance.screenToFlowPosition(p) : p;
}
