import type { z } from 'zod';
import { WORKFLOW_FORMAT, type Workflow, type WorkflowNode } from '../../nodes/graph.ts';
import { getKind } from '../../nodes/registry.ts';
import { migrateDocument, migrateParams } from './migrations.ts';
import { workflowFileSchema } from './schema.ts';
import { jsonErrorOffset, lineColumn } from './json-error.ts';

export interface FileError {
  /** JSON path into the file, e.g. `nodes[3].params.cn_stop`. */
  path: string;
  message: string;
}

export type ParseResult =
  { ok: true; workflow: Workflow; migratedFrom?: number } | { ok: false; errors: FileError[] };

/** Workflows carry images as data URLs; anything beyond this is not a workflow. */
export const MAX_WORKFLOW_BYTES = 64 * 1024 * 1024;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(top level)';
}

function zodErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): FileError[] {
  return error.issues
    .slice(0, 20)
    .map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));
}

/** Where in the text a JSON syntax error is, as " at line L, column C". */
function jsonErrorLocation(text: string): string {
  const { line, column } = lineColumn(text, jsonErrorOffset(text));
  return ` at line ${line}, column ${column}`;
}

/** Read a workflow file's text: size, JSON, format, migration, envelope, every node's params, edges. */
export function parseWorkflowText(text: string, sourceName = 'workflow'): ParseResult {
  if (text.length > MAX_WORKFLOW_BYTES) {
    return {
      ok: false,
      errors: [
        {
          path: '(file)',
          message: `${sourceName} is ${(text.length / 1048576).toFixed(0)} MB; a workflow is at most 64 MB`,
        },
      ],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      errors: [{ path: '(file)', message: `${sourceName} is not valid JSON${jsonErrorLocation(text)}` }],
    };
  }
  return parseWorkflowJson(json);
}

export function parseWorkflowJson(json: unknown): ParseResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return {
      ok: false,
      errors: [{ path: '(top level)', message: 'expected a JSON object (a Fooocus Flow workflow)' }],
    };
  }
  const doc = json as Record<string, unknown>;
  if (doc.format !== WORKFLOW_FORMAT) {
    const looksLikeRequest =
      'prompt' in doc || 'uov_method' in doc || 'controlnet_image' in doc || 'enhance_ctrls' in doc;
    return {
      ok: false,
      errors: [
        {
          path: 'format',
          message: looksLikeRequest
            ? `this looks like a FooocusAPI request, not a workflow; use "fooocus-flow decompile" (or paste it into the editor) to turn it into one`
            : `must be "${WORKFLOW_FORMAT}" (this is not a Fooocus Flow workflow file)`,
        },
      ],
    };
  }
  const migrated = migrateDocument(doc);
  if (!migrated.ok) return { ok: false, errors: [{ path: migrated.path, message: migrated.message }] };
  const envelope = workflowFileSchema.safeParse(migrated.doc);
  if (!envelope.success) return { ok: false, errors: zodErrors(envelope.error) };
  const wf = envelope.data;

  const errors: FileError[] = [];
  const nodes: WorkflowNode[] = [];
  const ids = new Set<string>();
  wf.nodes.forEach((n, i) => {
    if (ids.has(n.id)) errors.push({ path: `nodes[${i}].id`, message: `duplicate node id "${n.id}"` });
    ids.add(n.id);
    const kind = getKind(n.kind);
    if (!kind) {
      errors.push({ path: `nodes[${i}].kind`, message: `unknown node kind "${n.kind}"` });
      return;
    }
    if (n.kindVersion > kind.version) {
      errors.push({
        path: `nodes[${i}].kindVersion`,
        message: `${kind.title.en} version ${n.kindVersion} is newer than this Fooocus Flow knows (${kind.version}); update Fooocus Flow`,
      });
      return;
    }
    const raw = migrateParams(n.kind, n.kindVersion, kind.version, n.params);
    if (!raw) {
      errors.push({
        path: `nodes[${i}].kindVersion`,
        message: `no migration for ${n.kind} from version ${n.kindVersion}`,
      });
      return;
    }
    const params = kind.params.safeParse(raw);
    if (!params.success) {
      errors.push(...zodErrors(params.error, ['nodes', i, 'params']));
      return;
    }
    nodes.push({ ...n, kindVersion: kind.version, params: params.data as Record<string, unknown> });
  });
  const edgeIds = new Set<string>();
  wf.edges.forEach((e, i) => {
    if (edgeIds.has(e.id)) errors.push({ path: `edges[${i}].id`, message: `duplicate edge id "${e.id}"` });
    edgeIds.add(e.id);
    for (const end of ['source', 'target'] as const) {
      const nodeIndex = wf.nodes.findIndex((n) => n.id === e[end]);
      if (nodeIndex < 0) {
        errors.push({
          path: `edges[${i}].${end}`,
          message: `refers to node "${e[end]}", which is not in the workflow`,
        });
        continue;
      }
      const kind = getKind(wf.nodes[nodeIndex]!.kind);
      const ports = end === 'source' ? kind?.outputs : kind?.inputs;
      const handle = end === 'source' ? e.sourceHandle : e.targetHandle;
      if (kind && !ports?.some((p) => p.id === handle)) {
        errors.push({
          path: `edges[${i}].${end}Handle`,
          message: `${kind.title.en} has no ${end === 'source' ? 'output' : 'input'} "${handle}"`,
        });
      }
    }
  });
  wf.exposed.forEach((x, i) => {
    const n = nodes.find((node) => node.id === x.nodeId);
    if (!n)
      errors.push({
        path: `exposed[${i}].nodeId`,
        message: `refers to node "${x.nodeId}", which is not in the workflow`,
      });
    else if (!(x.param in n.params))
      errors.push({ path: `exposed[${i}].param`, message: `${n.kind} has no parameter "${x.param}"` });
  });
  if (errors.length) return { ok: false, errors: errors.slice(0, 50) };
  const workflow: Workflow = {
    format: WORKFLOW_FORMAT,
    version: wf.version,
    name: wf.name,
    description: wf.description,
    nodes,
    edges: wf.edges,
    exposed: wf.exposed,
  };
  return migrated.from < wf.version
    ? { ok: true, workflow, migratedFrom: migrated.from }
    : { ok: true, workflow };
}

export function serializeWorkflow(wf: Workflow): string {
  return JSON.stringify(wf, null, 2) + '\n';
}
