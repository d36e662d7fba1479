import { checkConnection } from '../../nodes/connection.ts';
import { NODE_KINDS, getKind } from '../../nodes/registry.ts';
import type { NodeKind } from '../../nodes/types.ts';
import { rankKind } from './search-rank.ts';
import { local, type Lang } from '../i18n/i18n.ts';
import type { PendingWire, SearchState } from '../store/editor-store.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { addNode, addNodeConnected, compatibleKinds, connect } from '../store/graph-actions.ts';

export interface SearchOption {
  id: string;
  /** The node kind a "new node" option adds (ranked by rankKind). */
  kind?: string;
  section: 'new' | 'existing';
  label: string;
  detail: string;
  haystack: string;
  run: () => void;
}

const KIND_NAMES = Object.keys(NODE_KINDS);

function kindText(k: NodeKind): string {
  return `${k.kind} ${k.title.en} ${k.title.zh} ${k.description.en} ${k.description.zh}`.toLowerCase();
}

/** Handles of the selected node that can start a wire (outputs first). */
function handlesOf(wf: Workflow, nodeId: string): PendingWire[] {
  const n = wf.nodes.find((x) => x.id === nodeId);
  const k = n && getKind(n.kind);
  if (!k) return [];
  return [
    ...k.outputs.map((p) => ({ nodeId, handleId: p.id, handleType: 'source' as const })),
    ...k.inputs.map((p) => ({ nodeId, handleId: p.id, handleType: 'target' as const })),
  ];
}

function portLabel(wf: Workflow, w: PendingWire, lang: Lang): string {
  const n = wf.nodes.find((x) => x.id === w.nodeId);
  const k = n && getKind(n.kind);
  if (!k || !n) return w.handleId;
  const ports = w.handleType === 'source' ? k.outputs : k.inputs;
  const p = ports.find((x) => x.id === w.handleId);
  return `${n.label || local(lang, k.title)} · ${p ? local(lang, p.label) : w.handleId}`;
}

/** What the search offers: new nodes to add (optionally wired), or existing ports to wire to. */
export function searchOptions(
  wf: Workflow,
  search: SearchState,
  selected: string[],
  lang: Lang,
): SearchOption[] {
  if (search.mode === 'add') {
    return KIND_NAMES.map((name) => {
      const k = getKind(name)!;
      return {
        id: `add:${name}`,
        section: 'new',
        label: local(lang, k.title),
        detail: local(lang, k.description),
        haystack: kindText(k),
        kind: name,
        run: () => void addNode(name, search.position),
      };
    });
  }
  const froms = search.from ? [search.from] : selected.length === 1 ? handlesOf(wf, selected[0]!) : [];
  const out: SearchOption[] = [];
  const multi = froms.length > 1;
  for (const from of froms) {
    const prefix = multi ? `${portLabel(wf, from, lang)} → ` : '';
    for (const name of compatibleKinds(from, KIND_NAMES)) {
      const k = getKind(name)!;
      out.push({
        id: `new:${from.handleType}:${from.handleId}:${name}`,
        section: 'new',
        label: `${prefix}${local(lang, k.title)}`,
        detail: local(lang, k.description),
        haystack: kindText(k),
        kind: name,
        run: () => void addNodeConnected(name, search.position, from),
      });
    }
  }
  if (search.mode === 'connect') {
    for (const from of froms) {
      const prefix = multi ? `${portLabel(wf, from, lang)} → ` : '';
      for (const n of wf.nodes) {
        if (n.id === from.nodeId) continue;
        const k = getKind(n.kind);
        if (!k) continue;
        const ports = from.handleType === 'source' ? k.inputs : k.outputs;
        for (const p of ports) {
          const attempt =
            from.handleType === 'source'
              ? { source: from.nodeId, sourceHandle: from.handleId, target: n.id, targetHandle: p.id }
              : { source: n.id, sourceHandle: p.id, target: from.nodeId, targetHandle: from.handleId };
          if (!checkConnection(wf, attempt).ok) continue;
          const target = `${n.label || local(lang, k.title)} · ${local(lang, p.label)}`;
          out.push({
            id: `existing:${from.handleId}:${n.id}:${p.id}`,
            section: 'existing',
            label: `${prefix}${target}`,
            detail: n.id,
            haystack: `${n.id} ${n.label ?? ''} ${kindText(k)} ${p.label.en} ${p.label.zh}`.toLowerCase(),
            run: () => void connect(attempt),
          });
        }
      }
    }
  }
  return out;
}

/**
 * The options matching the query, best first: new nodes by `rankKind` (title, then aliases in English
 * and Chinese, then help text), existing ports by whether the label matches; ties keep their order.
 */
export function filterOptions(options: SearchOption[], query: string): SearchOption[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return options;
  const scored = options.map((o, i) => {
    const k = o.kind ? getKind(o.kind) : undefined;
    let score = k ? rankKind(k, query) : 0;
    if (!k && words.every((w) => o.haystack.includes(w) || o.label.toLowerCase().includes(w)))
      score = words.every((w) => o.label.toLowerCase().includes(w)) ? 85 : 15;
    return { o, i, score };
  });
  return scored
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map((x) => x.o);
}
