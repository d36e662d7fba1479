/**
 * Finds the one linear image chain a request can carry (fooocus-semantics §5.1, §5.3): from a source
 * (Prompt & Settings or Input Image) through image operations to Output. Reports what does not fit:
 * cycles, branches, missing inputs, nodes that would be silently left out.
 */
import { t } from '../nodes/field.ts';
import { indexGraph, inputsOf, type GraphIndex, type Workflow, type WorkflowNode } from '../nodes/graph.ts';
import { getKind } from '../nodes/registry.ts';
import type { DiagnosticList } from './diagnostics.ts';

/** Kinds that take the current image in and pass an image on. */
export const FLOW_KINDS = new Set(['vary', 'upscale', 'inpaint', 'enhanceRegion', 'output']);

export interface Chain {
  g: GraphIndex;
  /** Source first, Output last. Empty when no complete chain exists. */
  nodes: WorkflowNode[];
  output?: WorkflowNode | undefined;
  settings?: WorkflowNode | undefined;
}

function title(n: WorkflowNode) {
  const k = getKind(n.kind);
  const label = n.label ? ` "${n.label}"` : '';
  return t(`${k?.title.en ?? n.kind}${label}`, `${k?.title.zh ?? n.kind}${label}`);
}

export function findChain(wf: Workflow, d: DiagnosticList): Chain {
  const g = indexGraph(wf);
  const byKind = (kind: string) => wf.nodes.filter((n) => n.kind === kind);

  const settingsNodes = byKind('promptSettings');
  for (const extra of settingsNodes.slice(1)) {
    d.error(
      'G-14',
      extra.id,
      t(
        'A second Prompt & Settings node: one request has one prompt, model, seed and sampler. Merge them into one node, or delete this one.',
        '存在第二个“提示词与设置”节点：一个请求只有一套提示词、模型、种子和采样器。请合并为一个节点或删除此节点。',
      ),
      {
        fix: { label: t('Delete this node', '删除此节点'), edits: [{ op: 'removeNode', nodeId: extra.id }] },
      },
    );
  }
  const outputs = byKind('output');
  for (const extra of outputs.slice(1)) {
    d.error(
      'S-two-outputs',
      extra.id,
      t(
        'A second Output: one request produces one chain of images. Delete this one, or split the work into two workflows.',
        '存在第二个输出节点：一个请求只产生一条图像链。请删除它，或拆分为两个工作流。',
      ),
      {
        fix: { label: t('Delete this node', '删除此节点'), edits: [{ op: 'removeNode', nodeId: extra.id }] },
      },
    );
  }
  const chain: Chain = { g, nodes: [], output: outputs[0], settings: settingsNodes[0] };

  reportCycles(wf, g, d);

  const output = outputs[0];
  if (!output) {
    if (wf.nodes.some((n) => n.kind !== 'note')) {
      d.error(
        'S-no-output',
        undefined,
        t(
          'No Output node: add one and wire the last image into it, so Fooocus Flow knows which chain to send.',
          '没有输出节点：请添加一个并把最后的图像连到它，Fooocus Flow 才知道要发送哪条链。',
        ),
      );
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
      d.error(
        'S-missing-input',
        current.id,
        current.kind === 'output'
          ? t(
              'Output has no image: wire the last step of your chain (or Prompt & Settings for text-to-image) into it.',
              '输出节点没有图像：请把处理链的最后一步（文生图则连“提示词与设置”）连到它。',
            )
          : t(
              `${title(current).en} has no input image: connect an Input Image or the previous step.`,
              `${title(current).zh} 没有输入图像：请连接输入图像或上一步。`,
            ),
        { field: 'image' },
      );
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
      d.error(
        'S-branch',
        n.id,
        t(
          `${title(n).en} feeds ${consumers.length} image steps. One request is one chain: Fooocus runs the steps one after another on one image. Keep one wire (or make a second workflow for the other branch).`,
          `${title(n).zh} 同时连到 ${consumers.length} 个图像步骤。一个请求只是一条链：Fooocus 在一张图上依次执行各步骤。请只保留一条连线（或为另一分支另建工作流）。`,
        ),
        {
          fix: offChain.length
            ? {
                label: t('Remove the wires that do not lead to Output', '移除不通向输出的连线'),
                edits: offChain.map((e) => ({ op: 'removeEdge' as const, edgeId: e.id })),
              }
            : undefined,
        },
      );
    }
  }

  // Image operations not on the chain are silently left out of the request.
  const onChain = new Set(chain.nodes.map((n) => n.id));
  for (const n of wf.nodes) {
    if (onChain.has(n.id) || n.kind === 'output') continue;
    if (FLOW_KINDS.has(n.kind)) {
      d.warn(
        'S-ignored',
        n.id,
        t(
          `${title(n).en} is not on the chain that leads to Output, so it is not part of the request.`,
          `${title(n).zh} 不在通向输出的链上，因此不会包含在请求中。`,
        ),
      );
    }
  }
  return chain;
}

function reportCycles(wf: Workflow, g: GraphIndex, d: DiagnosticList): void {
  // Iterative three-colour DFS: 1000-node graphs must not blow the stack.
  const state = new Map<string, 1 | 2>();
  for (const start of wf.nodes) {
    if (state.has(start.id)) continue;
    const stack: { id: string; i: number }[] = [{ id: start.id, i: 0 }];
    state.set(start.id, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const out = g.outgoing.get(top.id) ?? [];
      if (top.i >= out.length) {
        state.set(top.id, 2);
        stack.pop();
        continue;
      }
      const next = out[top.i++]!.target;
      if (!g.node.has(next)) continue; // a wire to a missing node is reported by the file loader
      const s = state.get(next);
      if (s === 1) {
        d.error(
          'S-cycle',
          next,
          t(
            'These wires form a loop. A request runs each step once, in order: remove one wire of the loop.',
            '这些连线形成了环。一个请求中每一步只按顺序运行一次：请删除环中的一条连线。',
          ),
        );
      } else if (s === undefined) {
        state.set(next, 1);
        stack.push({ id: next, i: 0 });
      }
    }
  }
}
