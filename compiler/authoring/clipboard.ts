import { parseWorkflowJson, type FileError } from '../workflow-file/index.ts';
import {
  WORKFLOW_FORMAT,
  WORKFLOW_VERSION,
  type Workflow,
  type WorkflowEdge,
  type WorkflowNode,
} from '../../nodes/graph.ts';
import { referencedAssets } from '../workflow-file/serialize.ts';
import { megabytes, utf8ByteLength } from '../text-size.ts';

/**
 * Node fragments on the OS clipboard, as versioned JSON text: works across tabs and browsers, and a
 * whole workflow file's JSON pastes too. Pasted fragments go through the workflow file parser, so
 * they are migrated and validated exactly like an opened file.
 */
export const CLIPBOARD_FORMAT = 'fooocus-flow/clipboard';
export const CLIPBOARD_VERSION = 1;

/**
 * `assets` is the document's asset table: the metadata of the images the nodes use travels with
 * them (the bytes stay in the asset store, which every tab of the editor shares).
 */
export function toClipboardText(
  nodes: WorkflowNode[],
  edges: WorkflowEdge[],
  assets: Workflow['assets'] = {},
): string {
  const used = Object.fromEntries(
    referencedAssets({ nodes })
      .filter((h) => assets[h])
      .map((h) => {
        const { hash: _hash, ...meta } = assets[h]!;
        return [h, meta];
      }),
  );
  return JSON.stringify({
    format: CLIPBOARD_FORMAT,
    version: CLIPBOARD_VERSION,
    workflowVersion: WORKFLOW_VERSION,
    nodes,
    edges,
    assets: used,
  });
}

export type ClipboardParse =
  | { ok: true; nodes: WorkflowNode[]; edges: WorkflowEdge[]; assets: Workflow['assets'] }
  /** `errors`: when the nodes themselves are wrong, each problem with its JSON path (and node). */
  | { ok: false; reason: string; errors?: FileError[] };

/**
 * Pasted text is parsed only up to this size: copied nodes carry their images by reference (a few
 * KB), and a whole workflow file with its images belongs in Open (Ctrl+O), which streams and checks it.
 */
export const MAX_CLIPBOARD_BYTES = 16 * 1024 * 1024;

export function fromClipboardText(text: string): ClipboardParse {
  if (text.length > MAX_CLIPBOARD_BYTES / 3 && utf8ByteLength(text) > MAX_CLIPBOARD_BYTES)
    return {
      ok: false,
      reason: `the clipboard holds more than ${megabytes(MAX_CLIPBOARD_BYTES)} of text; open a workflow file with Open (Ctrl+O) instead`,
    };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not Fooocus Flow nodes (the clipboard holds plain text)' };
  }
  if (typeof json !== 'object' || json === null) return { ok: false, reason: 'not Fooocus Flow nodes' };
  const obj = json as Record<string, unknown>;
  let doc: unknown = obj;
  if (obj.format === CLIPBOARD_FORMAT) {
    if (typeof obj.version !== 'number' || obj.version > CLIPBOARD_VERSION)
      return { ok: false, reason: 'copied by a newer Fooocus Flow' };
    doc = {
      format: WORKFLOW_FORMAT,
      version: typeof obj.workflowVersion === 'number' ? obj.workflowVersion : WORKFLOW_VERSION,
      name: 'clipboard',
      description: '',
      nodes: obj.nodes,
      edges: obj.edges,
      exposed: [],
      ...(obj.assets !== undefined ? { assets: obj.assets } : {}),
    };
  } else if (obj.format !== WORKFLOW_FORMAT) {
    return { ok: false, reason: 'not Fooocus Flow nodes' };
  }
  const res = parseWorkflowJson(doc);
  if (!res.ok)
    return {
      ok: false,
      reason: res.errors.map((e) => `${e.path}: ${e.message}`).join('; '), // capped by the parser
      errors: res.errors,
    };
  return { ok: true, nodes: res.workflow.nodes, edges: res.workflow.edges, assets: res.workflow.assets };
}
