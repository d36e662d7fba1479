import type { PreparedImages } from '../../compiler/images.ts';
import type { Diagnostic } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';

/** What the background pixel check found, and the inputs it was computed from. */
export interface PixelCheck {
  inputs: unknown[];
  images: PreparedImages;
  diagnostics: Diagnostic[];
}

/**
 * The wires `prepareImages` follows (into image and mask inputs: which image a mask belongs to), as
 * one string, so a wire elsewhere (a LoRA, an image prompt) does not re-decode every image.
 */
function imageWires(doc: Workflow): string {
  return doc.edges
    .filter((e) => e.targetHandle === 'image' || e.targetHandle === 'mask')
    .map((e) => `${e.source}>${e.target}.${e.targetHandle}`)
    .join('|');
}

/** Everything `prepareImages` reads. Equal inputs (by value; image strings by identity) give equal results. */
export function pixelInputs(doc: Workflow): unknown[] {
  const inputs: unknown[] = [imageWires(doc)];
  for (const n of doc.nodes)
    if (n.kind === 'inputImage' || n.kind === 'mask') inputs.push(n.id, n.params.image, n.params.invert);
  return inputs;
}

export const sameInputs = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** A node's own entries in `pixelInputs` ([image, invert]), or null when it had none. */
function ownInputs(inputs: readonly unknown[], nodeId: string): [unknown, unknown] | null {
  for (let i = 1; i + 2 < inputs.length; i += 3)
    if (inputs[i] === nodeId) return [inputs[i + 1], inputs[i + 2]];
  return null;
}

/**
 * The prepared images when they were made from exactly this document's images, masks and wires
 * (else none: a stale mask must never reach the request view). A finding is kept while its node
 * still has the image (and invert flag) it was found on, so a warning does not blink while the next
 * check runs, and never moves to another document's node that happens to have the same id.
 */
export function pixelCheckFor(
  doc: Workflow,
  check: PixelCheck | null,
): { images: PreparedImages | undefined; diagnostics: Diagnostic[] } {
  if (!check) return { images: undefined, diagnostics: [] };
  const now = pixelInputs(doc);
  const unchanged = (nodeId: string | undefined) => {
    if (!nodeId) return false;
    const then = ownInputs(check.inputs, nodeId);
    const current = ownInputs(now, nodeId);
    return !!then && !!current && then[0] === current[0] && then[1] === current[1];
  };
  return {
    images: sameInputs(now, check.inputs) ? check.images : undefined,
    diagnostics: check.diagnostics.filter((d) => unchanged(d.nodeId)),
  };
}
