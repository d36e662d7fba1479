import type { PreparedImages } from '../../compiler/images.ts';
import type { Diagnostic } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';

/** What the background pixel check found, and the inputs it was computed from. */
export interface PixelCheck {
  inputs: unknown[];
  images: PreparedImages;
  diagnostics: Diagnostic[];
}

/** Everything `prepareImages` reads. Equal inputs (by identity) give equal results. */
export function pixelInputs(doc: Workflow): unknown[] {
  const inputs: unknown[] = [doc.edges]; // immer gives the edge list a new identity on any wire change
  for (const n of doc.nodes)
    if (n.kind === 'inputImage' || n.kind === 'mask') inputs.push(n.id, n.params.image, n.params.invert);
  return inputs;
}

export const sameInputs = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * The prepared images when they were made from exactly this document's images, masks and wires
 * (else none: a stale mask must never reach the request view). Its findings are kept either way,
 * for nodes still present, so a warning does not blink while the next check runs.
 */
export function pixelCheckFor(
  doc: Workflow,
  check: PixelCheck | null,
): { images: PreparedImages | undefined; diagnostics: Diagnostic[] } {
  if (!check) return { images: undefined, diagnostics: [] };
  const present = new Set(doc.nodes.map((n) => n.id));
  return {
    images: sameInputs(pixelInputs(doc), check.inputs) ? check.images : undefined,
    diagnostics: check.diagnostics.filter((d) => !d.nodeId || present.has(d.nodeId)),
  };
}
