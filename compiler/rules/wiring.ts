/**
 * Wires that cannot carry what they say: wrong data type, two wires into a one-wire input, loops.
 * Codes: S-bad-wire, S-two-wires, S-cycle.
 */
import { t } from '../../nodes/field.ts';
import type { GraphIndex, Workflow } from '../../nodes/graph.ts';
import { getKind } from '../../nodes/registry.ts';
import type { DiagnosticList } from '../diagnostics.ts';
import { kindName } from './text.ts';

/** Wires whose ends do not fit (possible in hand-edited files; the editor refuses them). */
export function checkEdges(wf: Workflow, d: DiagnosticList): void {
  const byId = new Map(wf.nodes.map((n) => [n.id, n]));
  // Wires per input port, counted once (graphs reach thousands of wires).
  const perInput = new Map<string, number>();
  for (const e of wf.edges)
    perInput.set(
      `${e.target}\u0000${e.targetHandle}`,
      (perInput.get(`${e.target}\u0000${e.targetHandle}`) ?? 0) + 1,
    );
  const reported = new Set<string>();
  for (const e of wf.edges) {
    const src = byId.get(e.source);
    const dst = byId.get(e.target);
    const out = src && getKind(src.kind)?.outputs.find((p) => p.id === e.sourceHandle);
    const inp = dst && getKind(dst.kind)?.inputs.find((p) => p.id === e.targetHandle);
    if (!src || !dst || !out || !inp) continue;
    if (out.type !== inp.type || (inp.acceptsKinds && !inp.acceptsKinds.includes(src.kind))) {
      d.error(
        'S-bad-wire',
        dst.id,
        inp.acceptsReason && out.type === inp.type
          ? inp.acceptsReason
          : t(
              `The wire from ${kindName(src).en} into "${inp.label.en}" carries the wrong kind of data (${out.type} into ${inp.type}). Remove it.`,
              `从 ${kindName(src).zh} 到“${inp.label.zh}”的连线数据类型不符（${out.type} → ${inp.type}）。请删除它。`,
            ),
        {
          field: inp.id,
          fix: { label: t('Remove the wire', '删除连线'), edits: [{ op: 'removeEdge', edgeId: e.id }] },
        },
      );
    }
    const key = `${e.target}\u0000${e.targetHandle}`;
    const count = perInput.get(key)!;
    if (!inp.multiple && count > 1 && !reported.has(key)) {
      reported.add(key);
      d.error(
        'S-two-wires',
        dst.id,
        t(
          `"${inp.label.en}" takes one wire, but ${count} end here. Keep one.`,
          `“${inp.label.zh}”只接受一条连线，但这里有 ${count} 条。请只保留一条。`,
        ),
        { field: inp.id },
      );
    }
  }
}

/** Every loop of wires, reported on the node where the walk closes it. */
export function reportCycles(wf: Workflow, g: GraphIndex, d: DiagnosticList): void {
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
