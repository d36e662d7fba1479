/**
 * Saving a workflow. `serializeWorkflow` writes the document as it is — asset references and their
 * metadata, no bytes — for drafts, the clipboard and templates. `exportWorkflow` writes ONE file
 * another machine can open and run: with `images: 'embed'` every image's bytes go in
 * `assets[hash].data` (base64); with `images: 'omit'` it is a reusable template whose image inputs
 * are reported as missing until bound (`fooocus-flow run --input`, or picking a file in the editor).
 */
import { assetHashOf, type AssetMeta, type AssetReader } from '../../nodes/assets.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { encodeBase64 } from '../assets/base64.ts';
import { internInlineImages } from './inline-images.ts';
import type { FileError } from './parse.ts';

type FileAsset = Omit<AssetMeta, 'hash'> & { data?: string };

/** The hashes the params refer to, in node order. */
export function referencedAssets(wf: Pick<Workflow, 'nodes'>): string[] {
  const out = new Set<string>();
  for (const n of wf.nodes)
    for (const v of Object.values(n.params)) {
      const h = assetHashOf(v);
      if (h) out.add(h);
    }
  return [...out];
}

function fileAssets(wf: Workflow, data?: Map<string, string>): Record<string, FileAsset> {
  const out: Record<string, FileAsset> = {};
  for (const hash of referencedAssets(wf)) {
    const m = wf.assets[hash];
    if (!m) continue;
    const d = data?.get(hash);
    out[hash] = { type: m.type, width: m.width, height: m.height, bytes: m.bytes, ...(d ? { data: d } : {}) };
  }
  return out;
}

function toText(wf: Workflow, assets: Record<string, FileAsset>): string {
  const { format, version, name, description, nodes, edges, exposed, overflow } = wf;
  const doc = { format, version, name, description, nodes, edges, exposed, assets };
  return JSON.stringify(overflow ? { ...doc, overflow } : doc, null, 2) + '\n';
}

/** The document as JSON text: references and metadata of the images it uses, no bytes. */
export function serializeWorkflow(wf: Workflow): string {
  return toText(wf, fileAssets(wf));
}

export interface ExportResult {
  text: string;
  /** Hashes of images the reader did not have (the file then lacks them: they are reported missing on open). */
  missing: string[];
  /** Inline images that are not base64 data (e.g. a cut-off example): left empty in the file. */
  invalid: FileError[];
}

/** One self-contained file (`images: 'embed'`), or a template without image bytes (`'omit'`). */
export async function exportWorkflow(
  wf: Workflow,
  reader: AssetReader,
  options: { images: 'embed' | 'omit' },
): Promise<ExportResult> {
  // Drafts made before version 2 may still hold inline images: they become assets here.
  const interned = await internInlineImages(wf);
  const invalid = interned.errors;
  // What cannot become an asset is left out, so the file opens (the node then asks for an image).
  const bad = new Set(invalid.map((e) => e.path));
  const doc: Workflow = {
    ...interned.workflow,
    nodes: interned.workflow.nodes.map((n, i) => {
      const drop = Object.keys(n.params).filter((p) => bad.has(`nodes[${i}].params.${p}`));
      return drop.length
        ? { ...n, params: { ...n.params, ...Object.fromEntries(drop.map((p) => [p, ''])) } }
        : n;
    }),
  };
  if (options.images === 'omit') return { text: serializeWorkflow(doc), missing: [], invalid };
  const data = new Map<string, string>();
  const missing: string[] = [];
  for (const hash of referencedAssets(doc)) {
    const bytes = interned.bytes.get(hash) ?? (await reader.get(hash));
    if (bytes) data.set(hash, encodeBase64(bytes));
    else missing.push(hash);
  }
  return { text: toText(doc, fileAssets(doc, data)), missing, invalid };
}
