/**
 * Finds the one linear image chain a request can carry (fooocus-semantics §5.1, §5.3): from a source
 * (Prompt & Settings or Input Image) through image operations to Output. Reports what does not fit:
 * cycles, branches, missing inputs, nodes that would be silently left out (the words are in rules/).
 */
import { indexGraph, inputsOf, type Workflow, type WorkflowNode } from '../nodes/graph.ts';
import { isKind, type NodeOf } from '../nodes/params.ts';
import type { KindName } from '../nodes/registry.ts';
import type { Chain } from './context.ts';
import type { DiagnosticList } from './diagnostics.ts';
import { branch, missingImageInput, noOutput, offChain, secondOutput } from './rules/chain-shape.ts';
import { secondSettingsNode } from './rules/shared-fields.ts';
import { reportCycles } from './rules/wiring.ts';

/** Kinds that take the current image in and pass an image on. */
export const FLOW_KINDS = new Set(['vary', 'upscale', 'inpaint', 'enhanceRegion', 'output']);

export type { Chain } from './context.ts';

export function findChain(wf: Workflow, d: DiagnosticList): Chain {
  const g = indexGraph(wf);
  const byKind = <K extends KindName>(kind: K) => wf.nodes.filter((n): n is NodeOf<K> => isKind(n, kind));

  const settingsNodes = byKind('promptSettings');
  for (const extra of settingsNodes.slice(1)) {
    secondSettingsNode(d, extra);
  }
  const outputs = byKind('output');
  for (const extra of outputs.slice(1)) {
    secondOutput(d, extra);
  }
  const chain: Chain = { g, nodes: [], output: outputs[0], settings: settingsNodes[0] };

  reportCycles(wf, g, d);

  const output = outputs[0];
  if (!output) {
    if (wf.nodes.some((n) => n.kind !== 'note')) {
      noOutput(d);
    }
    return chain;
  }

  // Walk upstream along the image inputs, from Output to the source.
  const reversed: WorkflowNode[] = [];
  const seen = new Set<string>();
  let current: WorkflowNode | undefined = output;
  while (current) {
    if (seen.has(current.id)) return chain; // a cycle, already reported
    seen.add(current.id);
    reversed.push(current);
    if (!FLOW_KINDS.has(current.kind)) break; // reached a source
    const edge = inputsOf(g, current.id, 'image')[0];
    if (!edge) {
      missingImageInput(d, current);
      return chain;
    }
    current = g.node.get(edge.source);
  }
  chain.nodes = reversed.reverse();

  // Branches: a chain node whose image feeds more than one image operation.
  for (const n of chain.nodes) {
    const consumers = (g.outgoing.get(n.id) ?? []).filter(
      (e) =>
        e.sourceHandle === 'image' &&
        e.targetHandle === 'image' &&
        FLOW_KINDS.has(g.node.get(e.target)?.kind ?? ''),
    );
    if (consumers.length > 1) {
      const offChain = consumers.filter((e) => !chain.nodes.some((c) => c.id === e.target));
      branch(d, n, consumers.length, offChain);
    }
  }

  // Image operations not on the chain are silently left out of the request.
  const onChain = new Set(chain.nodes.map((n) => n.id));
  for (const n of wf.nodes) {
    if (onChain.has(n.id) || n.kind === 'output') continue;
    if (FLOW_KINDS.has(n.kind)) {
      offChain(d, n);
    }
  }
  return chain;
}
