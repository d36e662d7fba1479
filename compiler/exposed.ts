/**
 * Exposed parameters: a reusable workflow names the params a user fills in at run time
 * (`fooocus-flow run --set prompt="..." --input portrait=me.png`).
 */
import * as z from '../contract/zod-mini.ts';
import { fieldMeta } from '../nodes/field.ts';
import { didYouMean } from './workflow-file/suggest.ts';
import type { AssetMeta } from '../nodes/assets.ts';
import type { Workflow } from '../nodes/graph.ts';
import { getKind } from '../nodes/registry.ts';
import { setParam } from '../nodes/set-param.ts';

export interface ExposedValues {
  /** name → text value (parsed to the param's type: number, boolean, JSON for lists) */
  set?: Record<string, string>;
  /** name → image (`asset:<hash>`, or an http URL) for image params */
  inputs?: Record<string, string>;
  /** Metadata of the assets `inputs` refer to, added to the workflow's `assets`. */
  assets?: Record<string, AssetMeta>;
}

export function applyExposed(wf: Workflow, values: ExposedValues): { workflow: Workflow; errors: string[] } {
  const errors: string[] = [];
  const known = new Map(wf.exposed.map((x) => [x.name, x]));
  const nodes = wf.nodes.map((n) => ({ ...n, params: { ...n.params } }));
  const all = [
    ...Object.entries(values.set ?? {}).map(([k, v]) => ({ name: k, value: v, image: false })),
    ...Object.entries(values.inputs ?? {}).map(([k, v]) => ({ name: k, value: v, image: true })),
  ];
  for (const { name, value, image } of all) {
    const x = known.get(name);
    if (!x) {
      const list = [...known.keys()].join(', ') || 'none';
      errors.push(
        `"${name}" is not an exposed parameter of this workflow (exposed: ${list})${didYouMean(name, known.keys())}`,
      );
      continue;
    }
    const node = nodes.find((n) => n.id === x.nodeId)!;
    const kind = getKind(node.kind)!;
    const schema = kind.params.shape[x.param];
    const isImage = schema !== undefined && fieldMeta.get(schema)?.widget === 'image';
    if (image && !isImage) {
      errors.push(
        `--input ${name}: ${name} is ${kind.title.en} "${x.param}" (${node.id}), not an image; use --set ${name}=VALUE`,
      );
      continue;
    }
    if (!image && isImage && !/^(https?:\/\/|data:image\/)/.test(value)) {
      errors.push(
        `--set ${name}: ${name} is an image (${kind.title.en} ${node.id}); use --input ${name}=FILE (a PNG or JPEG file), or --set ${name}=URL with an http(s) URL the server can fetch`,
      );
      continue;
    }
    const candidate = image ? value : coerce(value, node.params[x.param]);
    const parsed = schema
      ? z.safeParse(schema, candidate)
      : { success: false as const, error: { issues: [{ message: 'unknown parameter' }] } };
    if (!parsed.success) {
      errors.push(`${name} (${node.id}.${x.param}): ${parsed.error.issues[0]?.message ?? 'invalid value'}`);
      continue;
    }
    // Through the coupled-field rules, as in the editor: a Method preset brings its four fields.
    node.params = setParam(node.kind, node.params, x.param, parsed.data);
    if (isImage) {
      // A new image has a new size; prepare measures it again.
      node.params.width = null;
      node.params.height = null;
    }
  }
  return { workflow: { ...wf, nodes, assets: { ...wf.assets, ...values.assets } }, errors };
}

/** Text from the command line, read as the type the current value has. */
function coerce(text: string, current: unknown): unknown {
  if (typeof current === 'number') return text.trim() === '' ? NaN : Number(text);
  if (typeof current === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (Array.isArray(current) || (current !== null && typeof current === 'object')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** The exposed parameters that take an image (what `--input NAME=…` and "Run as batch…" bind). */
export function exposedImageNames(wf: Workflow): Set<string> {
  const names = new Set<string>();
  for (const x of wf.exposed) {
    const node = wf.nodes.find((n) => n.id === x.nodeId);
    const schema = node && getKind(node.kind)?.params.shape[x.param];
    if (schema && fieldMeta.get(schema)?.widget === 'image') names.add(x.name);
  }
  return names;
}
