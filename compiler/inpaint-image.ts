import { inputNode, type GraphIndex, type WorkflowNode } from '../nodes/graph.ts';
import { maskImageNode } from '../nodes/mask-image.ts';
import type { Stages } from './stages.ts';

/**
 * The image an Inpaint repaints: the chain's source, except after a main-pass Vary/Upscale (G-3),
 * where FooocusAPI takes `inpaint_input_image` on its own: then the Input Image its Mask is drawn on.
 */
export function inpaintImageNode(g: GraphIndex, s: Stages, inpaint: WorkflowNode): WorkflowNode {
  if (s.main[0] === inpaint) return s.source;
  const mask = inputNode(g, inpaint.id, 'mask');
  return (mask && maskImageNode(g, mask.id)) ?? s.source;
}
