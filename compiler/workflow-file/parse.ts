import type { z } from 'zod';
import { assetHashOf, type AssetMeta } from '../../nodes/assets.ts';
import { WORKFLOW_FORMAT, type Workflow, type WorkflowNode } from '../../nodes/graph.ts';
import { NODE_KINDS, getKind } from '../../nodes/registry.ts';
import { migrateDocument, migrateParams } from './migrations.ts';
import { edgeSchema, nodeSchema, workflowFileSchema } from './schema.ts';
import { jsonErrorLocation } from './json-error.ts';
import { jsonPath } from '../json-path.ts';
import { tooLongLists } from '../list-limits.ts';
import { megabytes, utf8ByteLength } from '../text-size.ts';
import { didYouMean } from './suggest.ts';
import { capProblems } from '../error-cap.ts';
import { arrayBoundsOf, overBoundArrays } from '../array-bounds.ts';

/** The envelope's list bounds (5000 nodes…), checked before any element is validated. */
const ENVELOPE_BOUNDS = arrayBoundsOf(workflowFileSchema);

export interface FileError {
  /** JSON path into the file, e.g. `nodes[3].params.cn_stop`. */
  path: string;
  message: string;
  /**
   * The node the path is in, when it is under `nodes[i]`: its id and label (or kind title), e.g.
   * `promptSettings-1 "Prompt & Settings"`. `formatFileError` puts it after `nodes[i]`.
   */
  node?: string | undefined;
}

/**
 * A file that loads. `warnings` lists what loading dropped: unknown keys, e.g. a misspelt param
 * (`nodes[0].params.guidence_scale`), which would otherwise fall back to its default silently.
 */
export type ParseResult =
  | {
      ok: true;
      workflow: Workflow;
      migratedFrom?: number;
      warnings: FileError[];
      /**
       * Base64 bytes embedded in the file (`assets[hash].data`), not checked yet: `openWorkflow*`
       * decodes them and checks each against its hash. Empty for a file saved without images.
       */
      embedded: Record<string, string>;
    }
  | { ok: false; errors: FileError[] };

/** One line for a person: `nodes[0] (promptSettings-1 "Prompt & Settings").params.image_number: at most 32`. */
export function formatFileError(e: FileError): string {
  const path = e.node ? e.path.replace(/^nodes\[\d+\]/, (m) => `${m} (${e.node})`) : e.path;
  return `${path}: ${e.message}`;
}

/**
 * A self-contained workflow embeds its images (base64, 4/3 of their size): a few 8 MB phone photos
 * fit with room to spare; anything beyond this is not a workflow.
 */
export const MAX_WORKFLOW_BYTES = 256 * 1024 * 1024;

/** Kept under its old name: the workflow file's paths are the shared JSON path format. */
export const formatPath = (path: readonly PropertyKey[]): string => jsonPath(path);

/** Messages that say what to write instead of zod's defaults ("Too big: expected number to be <=32"). */
export function friendlyIssue(iss: z.core.$ZodRawIssue): string | undefined {
  const got = describeValue(iss.input);
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return `required but missing (expected ${typeName(iss.expected)})`;
      if (iss.expected === 'int') return `must be a whole number, got ${got}`;
      return `expected ${typeName(iss.expected)}, got ${got}`;
    case 'too_big': {
      const n = String(iss.maximum);
      if (iss.origin === 'array')
        return `at most ${n} item(s), got ${Array.isArray(iss.input) ? iss.input.length : got}`;
      if (iss.origin === 'string') return `at most ${n} characters`;
      return `${iss.inclusive === false ? 'less than' : 'at most'} ${n}, got ${got}`;
    }
    case 'too_small': {
      const n = String(iss.minimum);
      if (iss.origin === 'array') return `at least ${n} item(s)`;
      if (iss.origin === 'string') return n === '1' ? 'must not be empty' : `at least ${n} characters`;
      return `${iss.inclusive === false ? 'more than' : 'at least'} ${n}, got ${got}`;
    }
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}; got ${got}`;
    case 'invalid_key': {
      // zod's own text is "Invalid key in record"; the key's schema knows what a key must look like.
      const why = (iss.issues as { message?: string }[] | undefined)?.map((i) => i.message).find(Boolean);
      return `not a valid key${why ? ` (${why})` : ''}; rename or remove this entry`;
    }
    case 'unrecognized_keys':
      return `unknown key(s) ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return undefined;
  }
}

function typeName(t: string): string {
  return (
    {
      int: 'a whole number',
      number: 'a number',
      string: 'a string',
      boolean: 'true or false',
      array: 'a list',
      object: 'an object',
    }[t] ?? t
  );
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return v.length > 40 ? `a ${v.length}-character string` : JSON.stringify(v);
  return String(v);
}

/** One error per path (zod may report `2**60` as both "not a safe int" and "too big"), at most 20. */
function zodErrors(error: z.core.$ZodError, prefix: readonly PropertyKey[] = [], node?: string): FileError[] {
  const seen = new Set<string>();
  const out: FileError[] = [];
  for (const i of error.issues) {
    const path = formatPath([...prefix, ...i.path]);
    if (seen.has(path)) continue;
    seen.add(path);
    out.push(node ? { path, message: i.message, node } : { path, message: i.message });
    if (out.length >= 20) break;
  }
  return out;
}

/** Keys of `value` that `known` lacks, as warnings at `prefix.key`. */
function unknownKeys(
  value: unknown,
  known: readonly string[],
  prefix: string,
  what: string,
  node?: string,
): FileError[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.keys(value)
    .filter((k) => !known.includes(k))
    .map((k) => ({
      path: prefix ? `${prefix}.${k}` : k,
      message: `unknown ${what} ${JSON.stringify(k)}, ignored${didYouMean(k, known)}`,
      ...(node ? { node } : {}),
    }));
}

/** Read a workflow file's text: size, JSON, format, migration, envelope, every node's params, edges. */
export function parseWorkflowText(text: string, sourceName = 'workflow'): ParseResult {
  const bytes = utf8ByteLength(text);
  if (bytes > MAX_WORKFLOW_BYTES) {
    return {
      ok: false,
      errors: [
        {
          path: '(file)',
          message: `${sourceName} is ${megabytes(bytes)}; a workflow file is at most ${megabytes(MAX_WORKFLOW_BYTES)} (images included)`,
        },
      ],
    };
  }
  // A UTF-8 byte order mark (some Windows editors save one) is not JSON, but it is not a reason to refuse.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    return { ok: false, errors: [{ path: '(file)', message: `${sourceName} is empty (no JSON in it)` }] };
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
  const overBound = overBoundArrays(migrated.doc, ENVELOPE_BOUNDS);
  if (overBound.length) return { ok: false, errors: overBound };
  const envelope = workflowFileSchema.safeParse(migrated.doc, { error: friendlyIssue });
  if (!envelope.success) return { ok: false, errors: capProblems(zodErrors(envelope.error)) };
  const wf = envelope.data;

  const errors: FileError[] = [];
  const warnings: FileError[] = unknownKeys(migrated.doc, Object.keys(workflowFileSchema.shape), '', 'key');
  const rawNodes = migrated.doc.nodes as unknown[];
  const rawEdges = migrated.doc.edges as unknown[];
  const nodes: WorkflowNode[] = [];
  const ids = new Set<string>();
  wf.nodes.forEach((n, i) => {
    if (ids.has(n.id)) errors.push({ path: `nodes[${i}].id`, message: `duplicate node id "${n.id}"` });
    ids.add(n.id);
    const kind = getKind(n.kind);
    const node = `${n.id} "${n.label ?? kind?.title.en ?? n.kind}"`;
    warnings.push(...unknownKeys(rawNodes[i], Object.keys(nodeSchema.shape), `nodes[${i}]`, 'key', node));
    if (!kind) {
      errors.push({
        path: `nodes[${i}].kind`,
        message: `unknown node kind "${n.kind}"${didYouMean(n.kind, Object.keys(NODE_KINDS))}`,
        node,
      });
      return;
    }
    if (n.kindVersion > kind.version) {
      errors.push({
        path: `nodes[${i}].kindVersion`,
        message: `${kind.title.en} version ${n.kindVersion} is newer than this Fooocus Flow knows (${kind.version}); update Fooocus Flow`,
        node,
      });
      return;
    }
    const raw = migrateParams(n.kind, n.kindVersion, kind.version, n.params);
    if (!raw) {
      errors.push({
        path: `nodes[${i}].kindVersion`,
        message: `no migration for ${n.kind} from version ${n.kindVersion}`,
        node,
      });
      return;
    }
    const tooLong = tooLongLists(raw);
    if (tooLong.length) {
      for (const e of tooLong)
        errors.push({ path: formatPath(['nodes', i, 'params', e.key]), message: e.message, node });
      return;
    }
    const params = kind.params.safeParse(raw, { error: friendlyIssue });
    if (!params.success) {
      errors.push(...zodErrors(params.error, ['nodes', i, 'params'], node));
      return;
    }
    warnings.push(
      ...unknownKeys(
        raw,
        Object.keys(kind.params.shape),
        `nodes[${i}].params`,
        `${kind.title.en} parameter`,
        node,
      ),
    );
    for (const [param, value] of Object.entries(params.data as Record<string, unknown>)) {
      const hash = assetHashOf(value);
      if (hash && !wf.assets[hash])
        errors.push({
          path: `nodes[${i}].params.${param}`,
          message: `refers to image asset ${hash.slice(0, 12)}…, which the file's "assets" does not list; pick the image again`,
          node,
        });
    }
    nodes.push({ ...n, kindVersion: kind.version, params: params.data as Record<string, unknown> });
  });
  const edgeIds = new Set<string>();
  wf.edges.forEach((e, i) => {
    warnings.push(...unknownKeys(rawEdges[i], Object.keys(edgeSchema.shape), `edges[${i}]`, 'key'));
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
  if (errors.length) return { ok: false, errors: capProblems(errors) };
  const assets: Record<string, AssetMeta> = {};
  const embedded: Record<string, string> = {};
  for (const [hash, a] of Object.entries(wf.assets)) {
    assets[hash] = { hash, type: a.type, width: a.width, height: a.height, bytes: a.bytes };
    if (a.data !== undefined) embedded[hash] = a.data;
  }
  const workflow: Workflow = {
    format: WORKFLOW_FORMAT,
    version: wf.version,
    name: wf.name,
    description: wf.description,
    nodes,
    edges: wf.edges,
    exposed: wf.exposed,
    assets,
    ...(wf.overflow ? { overflow: wf.overflow } : {}),
  };
  const kept = warnings.slice(0, 50);
  return migrated.from < wf.version
    ? { ok: true, workflow, migratedFrom: migrated.from, warnings: kept, embedded }
    : { ok: true, workflow, warnings: kept, embedded };
}
