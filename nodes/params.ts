import type { z } from 'zod';
import type { WorkflowNode } from './graph.ts';
import type { KindName, NODE_KINDS } from './registry.ts';

/** Each kind's params, inferred from its zod schema: a misspelt or mistyped param does not compile. */
export type KindParams = { [K in KindName]: z.output<(typeof NODE_KINDS)[K]['params']> };

/**
 * A node of a known kind whose params its schema has parsed (compile validates every node first,
 * `rules/params.ts`). Distributes over a union, so `n.kind === 'upscale'` narrows `n.params`.
 */
export type NodeOf<K extends KindName> = K extends KindName
  ? Omit<WorkflowNode, 'kind' | 'params'> & { kind: K; params: KindParams[K] }
  : never;

/**
 * Narrows a node to one of `kinds` with typed params. Only sound on nodes whose params the kind's
 * schema has parsed — inside compile, after `validatedParams`; elsewhere parse first.
 */
export function isKind<K extends KindName>(n: WorkflowNode, ...kinds: K[]): n is NodeOf<K> {
  return (kinds as string[]).includes(n.kind);
}
