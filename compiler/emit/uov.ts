/** A Vary/Upscale step → uov_method (main pass) or enhance_uov_method (enhance stage) and its overrides. */
import type { WorkflowNode } from '../../nodes/graph.ts';
import type { RequestBuilder } from './builder.ts';

export function emitUov(n: WorkflowNode, b: RequestBuilder, stage: 'main' | 'enhance'): void {
  const method = n.params.method as never;
  b.set(stage === 'main' ? 'uov_method' : 'enhance_uov_method', method, { nodeId: n.id, param: 'method' });
  if (n.kind === 'upscale' && n.params.method === 'Upscale (Custom)') {
    b.set('upscale_multiple', Number(n.params.factor), { nodeId: n.id, param: 'factor' });
  }
  const strength = Number(n.params.strength);
  if (strength > 0) {
    b.set(n.kind === 'vary' ? 'overwrite_vary_strength' : 'overwrite_upscale_strength', strength, {
      nodeId: n.id,
      param: 'strength',
    });
  }
}
