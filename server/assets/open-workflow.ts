/**
 * Where the CLI finds image bytes: the ones embedded in the workflow file (or inline in a version-1
 * file), the `--input` files, and an optional asset folder (`--assets DIR`, the store the app
 * server and earlier runs use). A file saved without images then runs on another machine once its
 * exposed images are bound with `--input`.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { assetMetaOf } from '../../compiler/assets/meta.ts';
import { MemoryAssetStore, firstOf } from '../../compiler/assets/memory-store.ts';
import { readImageHeader } from '../../compiler/prepare/image-header.ts';
import { isOverBudget, overBudgetText } from '../../compiler/prepare/pixel-budget.ts';
import { openWorkflowText, type FileError } from '../../compiler/workflow-file/index.ts';
import type { AssetMeta, AssetReader } from '../../nodes/assets.ts';
import type { Workflow } from '../../nodes/graph.ts';
import type { LocalText } from '../../nodes/types.ts';
import { FolderAssetStore } from './folder-store.ts';

export interface OpenedWorkflow {
  workflow: Workflow;
  warnings: FileError[];
  /** The file's own images (and later `--input` files). */
  memory: MemoryAssetStore;
  /** Everything the run may read: the file's images, then the asset folder. */
  reader: AssetReader;
}

export async function openWorkflowFile(
  text: string,
  path: string,
  assetsDir?: string,
): Promise<{ ok: true; opened: OpenedWorkflow } | { ok: false; errors: FileError[] }> {
  const r = await openWorkflowText(text, path);
  if (!r.ok) return r;
  const memory = new MemoryAssetStore();
  for (const [hash, bytes] of r.assets) memory.add(hash, bytes);
  const reader = assetsDir ? firstOf(memory, new FolderAssetStore(assetsDir)) : memory;
  return { ok: true, opened: { workflow: r.workflow, warnings: r.warnings, memory, reader } };
}

/**
 * An image file given with `--input`, as an asset. Only PNG, JPEG and WebP: what FooocusAPI decodes
 * reliably (contract §4.1), told apart by their bytes.
 */
/**
 * Why an `--input` image cannot be used: the CLI's message (which flag, which path) and, for
 * other callers (the editor's batches), what went wrong, which input and which file by name.
 */
export class InputFileError extends Error {
  constructor(
    message: string,
    readonly details: {
      code: 'unreadable' | 'not-image' | 'too-large';
      input: string;
      file: string;
      text?: LocalText | undefined;
    },
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'InputFileError';
  }
}

export async function inputFileAsset(
  name: string,
  path: string,
  store: MemoryAssetStore,
): Promise<AssetMeta> {
  const file = basename(path);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new InputFileError(
      `--input ${name}: cannot read ${path}: ${(e as Error).message}`,
      { code: 'unreadable', input: name, file },
      e,
    );
  }
  const header = readImageHeader(bytes);
  const type = header?.type;
  if (type !== 'image/png' && type !== 'image/jpeg' && type !== 'image/webp')
    throw new InputFileError(`--input ${name}: ${path} is not a PNG, JPEG or WebP file`, {
      code: 'not-image',
      input: name,
      file,
    });
  if (isOverBudget(header!)) {
    const text = overBudgetText(header!.width, header!.height);
    throw new InputFileError(`--input ${name}: ${path}: ${text.en}`, {
      code: 'too-large',
      input: name,
      file,
      text,
    });
  }
  const meta = await assetMetaOf(bytes);
  store.add(meta.hash, bytes);
  return meta;
}
