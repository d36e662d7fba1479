/**
 * G-14: fields one request has once, wanted with two values: a second Prompt & Settings node, and
 * different strengths on two Vary (or two Upscale) steps sharing `overwrite_*_strength`.
 */
import { t } from '../../nodes/field.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import type { CompileContext } from '../context.ts';
import type { DiagnosticList } from '../diagnostics.ts';
import { uovSteps } from './uov.ts';

/** A second Prompt & Settings node (found by `findChain`). */
export function secondSettingsNode(d: DiagnosticList, extra: WorkflowNode): void {
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

export function checkSharedStrengths(ctx: CompileContext): void {
  const uovs = uovSteps(ctx);
  // G-14: the strength overrides are global, shared by the main-pass and the enhance-stage step.
  for (const kind of ['vary', 'upscale'] as const) {
    const same = uovs.filter((n) => n.kind === kind);
    const custom = same.filter((n) => Number(n.params.strength) > 0);
    if (same.length > 1 && custom.length > 0) {
      const values = new Set(same.map((n) => Number(n.params.strength)));
      if (values.size > 1) {
        const setTo = Number(custom[0]!.params.strength);
        ctx.d.error(
          'G-14',
          custom[0]!.id,
          t(
            `Two ${kind === 'vary' ? 'Vary' : 'Upscale'} steps with different strengths: Fooocus has one ${kind === 'vary' ? 'overwrite_vary_strength' : 'overwrite_upscale_strength'} for the whole request. Give them the same strength.`,
            `两个${kind === 'vary' ? 'Vary' : '放大'}步骤的强度不同：整个请求只有一个 ${kind === 'vary' ? 'overwrite_vary_strength' : 'overwrite_upscale_strength'}。请设为相同强度。`,
          ),
          {
            field: 'strength',
            fix: {
              label: t(`Use ${setTo} for both`, `两者都用 ${setTo}`),
              edits: same.map((x) => ({
                op: 'setParam' as const,
                nodeId: x.id,
                param: 'strength',
                value: setTo,
              })),
            },
          },
        );
      }
    }
  }
}
