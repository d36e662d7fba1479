import { inputNode, type GraphIndex, type WorkflowNode } from './graph.ts';

/**
 * Which image a mask is drawn on — the one answer used by the compiler (S-mask-image, the image an
 * Inpaint repaints), `prepareImages` (the size a mask is fitted to) and the mask painter:
 * the Input Image wired into the mask's own `image` input, else the Input Image at the head of the
 * chain of the Inpaint the mask feeds. `usable` narrows which Input Images count (e.g. only those
 * whose pixels are known); an own wire to an unusable one falls back to the Inpaint's chain.
 */
export function maskImageNode(
  g: GraphIndex,
  maskId: string,
  usable: (n: WorkflowNode) => boolean = (n) => n.kind === 'inputImage',
): WorkflowNode | undefined {
  const own = inputNode(g, maskId, 'image');
  if (own && usable(own)) return own;
  for (const e of g.outgoing.get(maskId) ?? []) {
    // Walk up from the Inpaint along its image input to the head of its chain.
    let n = g.node.get(e.target);
    for (let guard = 0; n && guard < 1000; guard++) {
      if (usable(n)) return n;
      n = inputNode(g, n.id, 'image');
    }
  }
  return undefined;
}
