/** A Vary/Upscale step → uov_method (main pass) or enhance_uov_method (enhance stage) and its overrides. */
import type { Uov } from '../context.ts';
import type { RequestBuilder } from './builder.ts';

export function emitUov(n: Uov, b: RequestBuilder, stage: 'main' | 'enhance'): void {
  const from = { nodeId: n.id, param: 'method' };
  if (stage === 'main') b.set('uov_method', n.params.method, from);
  else b.set('enhance_uov_method', n.params.method, from);
  if (n.kind === 'upscale' && n.params.method === 'Upscale (Custom)') {
    b.set('upscale_multiple', n.params.factor, { nodeId: n.id, param: 'factor' });
  }
  const strength = n.params.strength;
  if (strength > 0) {
    b.set(n.kind === 'vary' ? 'overwrite_vary_strength' : 'overwrite_upscale_strength', strength, {
      nodeId: n.id,
      param: 'strength',
    });
  }
}
