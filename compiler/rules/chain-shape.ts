/**
 * What does not fit the one chain a request carries (fooocus-semantics §5.1, §5.3): no Output, two
 * Outputs, a step with no input image, branches, nodes and side inputs that would be left out,
 * an image sent to Output untouched, an empty workflow.
 * Codes: S-no-output, S-two-outputs, S-missing-input, S-branch, S-ignored, S-nothing-to-do, S-empty.
 * `findChain` decides when; the words live here.
 */
import { t } from '../../nodes/field.ts';
import type { Workflow, WorkflowEdge, WorkflowNode } from '../../nodes/graph.ts';
import type { CompileContext } from '../context.ts';
import type { DiagnosticList } from '../diagnostics.ts';
import type { Diagnostic } from '../types.ts';
import { nodeTitle as title } from './text.ts';

export function secondOutput(d: DiagnosticList, extra: WorkflowNode): void {
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

export function noOutput(d: DiagnosticList): void {
  d.error(
    'S-no-output',
    undefined,
    t(
      'No Output node: add one and wire the last image into it, so Fooocus Flow knows which chain to send.',
      '没有输出节点：请添加一个并把最后的图像连到它，Fooocus Flow 才知道要发送哪条链。',
    ),
  );
}

/** A chain step (or Output) with nothing wired into its image input. */
export function missingImageInput(d: DiagnosticList, current: WorkflowNode): void {
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
}

/** A chain node whose image feeds several image steps; `offChain` are the wires not leading to Output. */
export function branch(
  d: DiagnosticList,
  n: WorkflowNode,
  consumers: number,
  offChain: WorkflowEdge[],
): void {
  d.error(
    'S-branch',
    n.id,
    t(
      `${title(n).en} feeds ${consumers} image steps. One request is one chain: Fooocus runs the steps one after another on one image. Keep one wire (or make a second workflow for the other branch).`,
      `${title(n).zh} 同时连到 ${consumers} 个图像步骤。一个请求只是一条链：Fooocus 在一张图上依次执行各步骤。请只保留一条连线（或为另一分支另建工作流）。`,
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

/** An image operation that is not on the chain to Output. */
export function offChain(d: DiagnosticList, n: WorkflowNode): void {
  d.warn(
    'S-ignored',
    n.id,
    t(
      `${title(n).en} is not on the chain that leads to Output, so it is not part of the request.`,
      `${title(n).zh} 不在通向输出的链上，因此不会包含在请求中。`,
    ),
  );
}

/** Image prompts without a reference, an upload sent to Output untouched, masks and image prompts that lead nowhere. */
export function checkLeftOut(ctx: CompileContext): void {
  const s = ctx.stages;
  for (const ip of ctx.imagePrompts) {
    if (!ctx.imagePromptRefs.has(ip.id)) {
      ctx.d.error(
        'S-missing-input',
        ip.id,
        t(
          'This image prompt has no reference image: wire an Input Image into it (it is left out of the request until then).',
          '此图像提示没有参考图像：请连接一个输入图像（在此之前它不会包含在请求中）。',
        ),
        { field: 'image' },
      );
    }
  }
  if (s?.mode === 'pass-through' && !s.enhanceUov && s.regions.length === 0) {
    ctx.d.error(
      'S-nothing-to-do',
      ctx.chain.output?.id ?? s.source.id,
      s.disabledRegions.length
        ? t(
            'Every Enhance Region on the chain is disabled, so Fooocus would do nothing with the uploaded image and return no images. Enable a region or add a step.',
            '链上所有区域增强都已禁用，Fooocus 不会处理上传的图像，也不会返回图像。请启用一个区域或添加步骤。',
          )
        : t(
            'The uploaded image goes straight to Output: Fooocus would do nothing with it and return no images. Add a step between them (Vary, Upscale, Inpaint or Enhance Region).',
            '上传的图像直接连到输出：Fooocus 不会处理它，也不会返回图像。请在两者之间添加步骤（变化、放大、重绘或区域增强）。',
          ),
    );
  }
  // Masks and image prompts that lead nowhere are left out of the request.
  for (const n of ctx.wf.nodes) {
    const outgoing = ctx.chain.g.outgoing.get(n.id) ?? [];
    if (n.kind === 'imagePrompt' && !ctx.imagePromptTargets.has(n.id)) {
      ctx.d.warn(
        'S-ignored',
        n.id,
        t(
          outgoing.length
            ? 'This image prompt is wired to a node that is not on the chain to Output, so it is left out of the request.'
            : 'This image prompt is not wired to any step, so it is left out of the request. Wire it into the first image step (or Prompt & Settings).',
          outgoing.length
            ? '此图像提示连到的节点不在通向输出的链上，因此不会包含在请求中。'
            : '此图像提示没有连到任何步骤，因此不会包含在请求中。请把它连到第一个图像步骤（或“提示词与设置”）。',
        ),
      );
    }
    if (n.kind === 'mask' && !outgoing.some((e) => s?.main.some((m) => m.id === e.target))) {
      ctx.d.warn(
        'S-ignored',
        n.id,
        t(
          'This mask is not wired into the main-pass Inpaint node, so it is left out of the request.',
          '此蒙版没有连到主流程的重绘节点，因此不会包含在请求中。',
        ),
      );
    }
  }
}

/** An empty canvas has no diagnostics in the editor; on the command line it is an error. */
export function emptyWorkflow(wf: Workflow): Diagnostic | undefined {
  if (wf.nodes.some((n) => n.kind !== 'note')) return undefined;
  return {
    severity: 'error',
    code: 'S-empty',
    message: t(
      'The workflow is empty: it has no nodes to compile. Add a Prompt & Settings node wired to an Output (or start from a template).',
      '工作流为空：没有可编译的节点。请添加“提示词与设置”节点并连接到输出节点（或从模板开始）。',
    ),
  };
}
