import { getKind } from '../../nodes/registry.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import type { Lang } from '../store/editor-store.ts';

/**
 * The labels the templates and `decompile` give nodes, in Chinese. A label is the user's text and
 * is stored as it is; only these known ones are shown translated, so a template opened in the
 * Chinese UI never reads "Reference: 输入图像".
 */
export const KNOWN_LABELS_ZH: Record<string, string> = {
  Reference: '参考图',
  'Image to vary': '要变化的图像',
  'Image to inpaint': '要重绘的图像',
  Image: '图像',
  Portrait: '人像',
};

/** The workflow names the templates give, in Chinese (the same words as their start-screen titles). */
export const KNOWN_WORKFLOW_NAMES_ZH: Record<string, string> = {
  'Text to image': '文生图',
  'Vary + Image Prompt': '变化 + 图像提示',
  'Inpaint + Image Prompt': '重绘 + 图像提示',
  'Everything mixed': '大杂烩（全部混合）',
  'Enhance chain': '增强链',
  'Untitled workflow': '未命名工作流',
};

export function labelIn(label: string, lang: Lang): string {
  return lang === 'zh' ? (KNOWN_LABELS_ZH[label] ?? label) : label;
}

/** What the UI calls a node: its label (known ones translated), else its kind's title. */
export function nodeDisplayName(n: Pick<WorkflowNode, 'kind' | 'label'>, lang: Lang): string {
  if (n.label) return labelIn(n.label, lang);
  const k = getKind(n.kind);
  return k ? (lang === 'zh' ? k.title.zh : k.title.en) : n.kind;
}

/**
 * Names that tell nodes apart: when two nodes would be called the same ("Input Image" twice), each
 * gets its place among them counted from the left of the canvas (then from the top): "Input Image 1",
 * "Input Image 2". Unique names stay as they are.
 */
export function distinctNodeNames(
  nodes: readonly Pick<WorkflowNode, 'id' | 'kind' | 'label' | 'position'>[],
  lang: Lang,
): Map<string, { name: string; index?: number; of?: number }> {
  const groups = new Map<string, (typeof nodes)[number][]>();
  for (const n of nodes) {
    const name = nodeDisplayName(n, lang);
    groups.set(name, [...(groups.get(name) ?? []), n]);
  }
  const out = new Map<string, { name: string; index?: number; of?: number }>();
  for (const [name, list] of groups) {
    if (list.length === 1) {
      out.set(list[0]!.id, { name });
      continue;
    }
    const sorted = [...list].sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y);
    sorted.forEach((n, i) => out.set(n.id, { name: `${name} ${i + 1}`, index: i + 1, of: list.length }));
  }
  return out;
}

type Names = Map<string, { name: string; index?: number; of?: number }>;
let cache: { nodes: readonly WorkflowNode[]; lang: Lang; key: string; names: Names } | null = null;

/**
 * `distinctNodeNames` for a zustand selector: the same Map while no node was added, removed,
 * relabelled or moved in a way that changes the numbering, so panels do not re-render on typing.
 */
export function selectDistinctNames(s: { doc: { nodes: readonly WorkflowNode[] }; lang: Lang }): Names {
  const nodes = s.doc.nodes;
  if (cache && cache.nodes === nodes && cache.lang === s.lang) return cache.names;
  const names = distinctNodeNames(nodes, s.lang);
  const key = JSON.stringify([...names]);
  if (cache && cache.key === key && cache.lang === s.lang) {
    cache = { ...cache, nodes };
    return cache.names;
  }
  cache = { nodes, lang: s.lang, key, names };
  return names;
}

/** The workflow name a template gets in the UI's language. */
export function workflowNameIn(name: string, lang: Lang): string {
  return lang === 'zh' ? (KNOWN_WORKFLOW_NAMES_ZH[name] ?? name) : name;
}
