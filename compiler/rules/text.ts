/** Wording shared by the rules: node names in both languages and the common "Set Images to 1" fix. */
import { t } from '../../nodes/field.ts';
import type { WorkflowNode } from '../../nodes/graph.ts';
import { getKind } from '../../nodes/registry.ts';

/** The kind's title ("Vary", "变化"). */
export function kindName(n: WorkflowNode) {
  const k = getKind(n.kind);
  return { en: k?.title.en ?? n.kind, zh: k?.title.zh ?? n.kind };
}

/** The kind's title plus the node's own label, when it has one ("Vary "portrait""). */
export function nodeTitle(n: WorkflowNode) {
  const k = kindName(n);
  const label = n.label ? ` "${n.label}"` : '';
  return t(`${k.en}${label}`, `${k.zh}${label}`);
}

/** The one-click fix "Set Images to 1" on Prompt & Settings (nothing to offer without that node). */
export function setImagesToOne(settingsId: string | undefined) {
  return settingsId
    ? {
        field: 'image_number',
        fix: {
          label: t('Set Images to 1', '把图像数量设为 1'),
          edits: [{ op: 'setParam' as const, nodeId: settingsId, param: 'image_number', value: 1 }],
        },
      }
    : undefined;
}
