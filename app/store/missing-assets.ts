import type { Diagnostic } from '../../compiler/types.ts';
import { assetHashOf } from '../../nodes/assets.ts';
import { t } from '../../nodes/field.ts';
import type { Workflow } from '../../nodes/graph.ts';

/**
 * A node whose image asset is not in this browser's storage (storage cleared, a file saved without
 * images, a snippet pasted from another browser) gets this error instead of the pixel check's
 * "cannot be decoded": the fix is to pick the file again, not to repair it.
 */
export function withMissingAssets(
  doc: Workflow,
  diagnostics: Diagnostic[],
  missing: ReadonlySet<string>,
): Diagnostic[] {
  if (missing.size === 0) return diagnostics;
  const nodes = new Set<string>();
  const out: Diagnostic[] = [];
  for (const n of doc.nodes) {
    const hash = assetHashOf(n.params.image);
    if (!hash || !missing.has(hash)) continue;
    nodes.add(n.id);
    out.push({
      severity: 'error',
      code: 'S-missing-asset',
      nodeId: n.id,
      field: 'image',
      message: t(
        `This image is not in this browser's storage (it was cleared, or the workflow was saved without images): pick the file again.`,
        '此浏览器的存储中没有这张图像（存储已被清除，或工作流保存时未包含图像）：请重新选择文件。',
      ),
    });
  }
  return [...diagnostics.filter((d) => !(d.code === 'S-bad-image' && d.nodeId && nodes.has(d.nodeId))), ...out];
}
