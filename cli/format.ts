import type { Diagnostic } from '../compiler/types.ts';
import { formatFileError, type FileError } from '../compiler/workflow-file/index.ts';
import type { Workflow } from '../nodes/graph.ts';

const ICON = { error: 'error', warning: 'warning', info: 'info' } as const;

/** One diagnostic per line: `error G-3 [vary-1 "Vary"] method: message` (fix offered below it). */
export function formatDiagnostics(diags: Diagnostic[], wf?: Workflow, lang: 'en' | 'zh' = 'en'): string {
  const order = { error: 0, warning: 1, info: 2 } as const;
  // A map, not a search per line: thousands of diagnostics on thousands of nodes stay linear.
  const byId = new Map(wf?.nodes.map((n) => [n.id, n]));
  return [...diags]
    .sort((a, b) => order[a.severity] - order[b.severity])
    .map((d) => {
      const node = d.nodeId ? byId.get(d.nodeId) : undefined;
      const where = d.nodeId
        ? ` [${d.nodeId}${node?.label ? ` "${node.label}"` : ''}${d.field ? `.${d.field}` : ''}]`
        : '';
      const fix = d.fix ? `\n    fix: ${d.fix.label[lang]}` : '';
      return `${ICON[d.severity]} ${d.code}${where}: ${d.message[lang]}${fix}`;
    })
    .join('\n');
}

/** What loading the file dropped (unknown keys, misspelt params): `warning file nodes[0] (…).params.x: …`. */
export function formatFileWarnings(warnings: readonly FileError[]): string {
  return warnings.map((w) => `warning file ${formatFileError(w)}`).join('\n');
}

/** `fileWarnings`: warnings from loading the file, counted with the diagnostics' warnings. */
export function summaryLine(diags: Diagnostic[], fileWarnings = 0): string {
  const count = (s: string) => diags.filter((d) => d.severity === s).length;
  return `${count('error')} error(s), ${count('warning') + fileWarnings} warning(s), ${count('info')} note(s)`;
}
