/**
 * Copy/paste through the OS clipboard as versioned JSON text, so it works across tabs and browsers.
 * A pasted whole workflow file is accepted too.
 */
import { z } from 'zod';
import { newId, type Workflow, type WorkflowEdge, type WorkflowNode } from '../nodes/graph.ts';
import { parseWorkflowJson } from './workflow-file/parse.ts';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION } from '../nodes/graph.ts';

export const CLIPBOARD_FORMAT = 'fooocus-flow/clipboard';

const clipSchema = z.object({
  format: z.literal(CLIPBOARD_FORMAT),
  version: z.number().int(),
  nodes: z.array(z.unknown()),
  edges: z.array(z.unknown()),
});

export function toClipboardText(nodes: WorkflowNode[], edges: WorkflowEdge[]): string {
  const ids = new Set(nodes.map((n) => n.id));
  const inner = edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return JSON.stringify({ format: CLIPBOARD_FORMAT, version: WORKFLOW_VERSION, nodes, edges: inner });
}

export type ClipboardResult =
  { ok: true; nodes: WorkflowNode[]; edges: WorkflowEdge[] } | { ok: false; message: string };

/** Reads clipboard text (our snippet or a workflow file), validating it like a workflow file. */
export function fromClipboardText(text: string): ClipboardResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'The clipboard does not hold Fooocus Flow nodes (not JSON).' };
  }
  const clip = clipSchema.safeParse(json);
  const asWorkflow = clip.success
    ? {
        format: WORKFLOW_FORMAT,
        version: clip.data.version,
        name: 'clipboard',
        nodes: clip.data.nodes,
        edges: clip.data.edges,
      }
    : json;
  const parsed = parseWorkflowJson(asWorkflow);
  if (!parsed.ok) {
    const e = parsed.errors[0]!;
    return {
      ok: false,
      message: `The clipboard content is not valid Fooocus Flow nodes: ${e.path}: ${e.message}`,
    };
  }
  return { ok: true, nodes: parsed.workflow.nodes, edges: parsed.workflow.edges };
}

/** Gives pasted nodes fresh ids (and offsets them) so they never collide with the open graph. */
export function remapForPaste(
  target: Workflow,
  nodes: WorkflowNode[],
  edges: WorkflowEdge[],
  offset = { x: 40, y: 40 },
): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } {
  const taken = new Set([...target.nodes.map((n) => n.id), ...target.edges.map((e) => e.id)]);
  const map = new Map<string, string>();
  const outNodes = nodes.map((n) => {
    const id = newId(n.kind, taken);
    taken.add(id);
    map.set(n.id, id);
    return { ...n, id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const outEdges = edges.map((e) => {
    const id = newId('e', taken);
    taken.add(id);
    return { ...e, id, source: map.get(e.source)!, target: map.get(e.target)! };
  });
  return { nodes: outNodes, edges: outEdges };
}
