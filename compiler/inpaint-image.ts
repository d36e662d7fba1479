import type { GraphIndex, WorkflowNode } from '../nodes/graph.ts';
import type { Stages } from './stages.ts';

/**
 * The image an Inpaint repaints: the chain's source, except after a main-pass Vary/Upscale (G-3),
 * where FooocusAPI takes `inpaint_input_image` on its own: then the image its Mask is drawn on.
 */
export function inpaintImageNode(g: GraphIndex, s: Stages, inpaint: WorkflowNode): WorkflowNode {
  if (s.main[0] === inpaint) return s.source;
  const maskEdge = (g.incoming.get(inpaint.id) ?? []).find((e) => e.targetHandle === 'mask');
  const refEdge = maskEdge && (g.incoming.get(maskEdge.source) ?? []).find((e) => e.targetHandle === 'image');
  const ref = refEdge && g.node.get(refEdge.source);
  return ref?.kind === 'inputImage' ? ref : s.source;
}
