/**
 * From a graph with validated params to the compile context: the one chain, the image prompts and
 * where they are wired, and the chain mapped onto FooocusAPI's two stages.
 */
import { inputNode, type Workflow, type WorkflowNode } from '../nodes/graph.ts';
import { isKind, type NodeOf } from '../nodes/params.ts';
import { promptSettings } from '../nodes/kinds/prompt-settings.ts';
import { findChain, type Chain } from './chain.ts';
import type { CompileContext } from './context.ts';
import type { DiagnosticList } from './diagnostics.ts';
import { knownSizeOf, type PreparedImages } from './images.ts';
import { assignStages } from './stages.ts';
import type { CompileOptions } from './types.ts';

export function analyse(
  graph: Workflow,
  options: CompileOptions,
  images: PreparedImages,
  d: DiagnosticList,
): CompileContext {
  const chain = findChain(graph, d);
  const settings = chain.settings?.params ?? promptSettings.params.parse({});
  const { imagePrompts, targets, refs } = collectImagePrompts(chain);
  const stages = chain.nodes.length
    ? assignStages(
        {
          chain: chain.nodes,
          imageNumber: Number(settings.image_number),
          hasImagePrompts: imagePrompts.length > 0,
          sizeOf: (id) => {
            const n = chain.g.node.get(id);
            return n ? knownSizeOf(n, images, graph.assets) : null;
          },
        },
        d,
      )
    : null;
  return {
    wf: graph,
    chain,
    stages,
    settings,
    imagePrompts,
    imagePromptTargets: targets,
    imagePromptRefs: refs,
    images,
    catalog: options.catalog ?? {},
    d,
  };
}

function collectImagePrompts(chain: Chain) {
  const imagePrompts: NodeOf<'imagePrompt'>[] = [];
  const targets = new Map<string, WorkflowNode>();
  const refs = new Map<string, WorkflowNode>();
  const candidates = [
    ...chain.nodes,
    ...(chain.settings && !chain.nodes.includes(chain.settings) ? [chain.settings] : []),
  ];
  for (const n of candidates) {
    for (const e of chain.g.incoming.get(n.id) ?? []) {
      if (e.targetHandle !== 'imagePrompts') continue;
      const ip = chain.g.node.get(e.source);
      if (!ip || !isKind(ip, 'imagePrompt') || targets.has(ip.id)) continue;
      imagePrompts.push(ip);
      targets.set(ip.id, n);
      const ref = inputNode(chain.g, ip.id, 'image');
      if (ref) refs.set(ip.id, ref);
    }
  }
  return { imagePrompts, targets, refs };
}
