import { t } from './field.ts';
import { indexGraph, type Workflow, type WorkflowEdge } from './graph.ts';
import { getKind } from './registry.ts';
import type { LocalText, PortSpec } from './types.ts';

export interface ConnectionAttempt {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

/**
 * The verdict on a wire: never a bare false. `replaces` names the edge a single input already holds;
 * the editor swaps it out (dropping onto an occupied input replaces its wire).
 */
export type ConnectionVerdict = { ok: true; replaces?: string } | { ok: false; reason: LocalText };

const TYPE_NAMES: Record<string, LocalText> = {
  image: t('image', '图像'),
  mask: t('mask', '蒙版'),
  imagePrompt: t('image prompt', '图像提示'),
};

function fail(en: string, zh: string): ConnectionVerdict {
  return { ok: false, reason: t(en, zh) };
}

export function checkConnection(
  wf: Pick<Workflow, 'nodes' | 'edges'>,
  c: ConnectionAttempt,
): ConnectionVerdict {
  const g = indexGraph(wf);
  const src = g.node.get(c.source);
  const dst = g.node.get(c.target);
  if (!src || !dst) return fail('One end of this wire is not in the workflow.', '连线的一端不在工作流中。');
  const srcKind = getKind(src.kind);
  const dstKind = getKind(dst.kind);
  if (!srcKind || !dstKind) return fail('Unknown node kind.', '未知的节点类型。');
  const out: PortSpec | undefined = srcKind.outputs.find((p) => p.id === c.sourceHandle);
  const inp: PortSpec | undefined = dstKind.inputs.find((p) => p.id === c.targetHandle);
  if (!out)
    return fail(
      `${srcKind.title.en} has no output "${c.sourceHandle}".`,
      `${srcKind.title.zh} 没有输出“${c.sourceHandle}”。`,
    );
  if (!inp)
    return fail(
      `${dstKind.title.en} has no input "${c.targetHandle}".`,
      `${dstKind.title.zh} 没有输入“${c.targetHandle}”。`,
    );
  if (c.source === c.target) return fail('A node cannot feed itself.', '节点不能连接到自身。');
  if (out.type !== inp.type) {
    const a = TYPE_NAMES[out.type]!;
    const b = TYPE_NAMES[inp.type]!;
    return fail(
      `Type mismatch: ${srcKind.title.en} gives ${a.en === 'image' ? 'an' : 'a'} ${a.en}, but "${inp.label.en}" of ${dstKind.title.en} takes ${b.en === 'image' ? 'an' : 'a'} ${b.en}.`,
      `类型不匹配：${srcKind.title.zh} 输出${a.zh}，而 ${dstKind.title.zh} 的“${inp.label.zh}”需要${b.zh}。`,
    );
  }
  if (inp.acceptsKinds && !inp.acceptsKinds.includes(src.kind)) {
    return {
      ok: false,
      reason:
        inp.acceptsReason ??
        t(
          `"${inp.label.en}" does not take ${srcKind.title.en}.`,
          `“${inp.label.zh}”不接受${srcKind.title.zh}。`,
        ),
    };
  }
  if (
    g.incoming
      .get(c.target)
      ?.some(
        (e) =>
          e.source === c.source && e.sourceHandle === c.sourceHandle && e.targetHandle === c.targetHandle,
      )
  ) {
    return fail('These two ports are already connected.', '这两个端口已经连接。');
  }
  if (reaches(g.outgoing, c.target, c.source)) {
    return fail(
      `This wire would make a loop (${dstKind.title.en} already feeds ${srcKind.title.en}). A request runs its steps once, in order.`,
      `这条连线会形成环（${dstKind.title.zh} 已经连到 ${srcKind.title.zh}）。一个请求的步骤只按顺序运行一次。`,
    );
  }
  if (!inp.multiple) {
    const held = (g.incoming.get(c.target) ?? []).find((e) => e.targetHandle === c.targetHandle);
    if (held) return { ok: true, replaces: held.id };
  }
  return { ok: true };
}

/** Is `to` reachable from `from` along wires? (the new wire would close a cycle) */
function reaches(outgoing: Map<string, WorkflowEdge[]>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of outgoing.get(id) ?? []) stack.push(e.target);
  }
  return false;
}

/** Which input ports of a node could take a wire from the given output, with reasons for the others. */
export function compatibleInputs(
  wf: Pick<Workflow, 'nodes' | 'edges'>,
  source: string,
  sourceHandle: string,
  target: string,
): { handle: string; verdict: ConnectionVerdict }[] {
  const node = wf.nodes.find((n) => n.id === target);
  const kind = node && getKind(node.kind);
  if (!kind) return [];
  return kind.inputs.map((p) => ({
    handle: p.id,
    verdict: checkConnection(wf, { source, sourceHandle, target, targetHandle: p.id }),
  }));
}
