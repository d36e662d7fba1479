/**
 * Opening a workflow file completely: parse and validate (sync, `parse.ts`), then the async part —
 * check each embedded image against its hash and turn version-1 inline images into assets. The
 * result's document holds only asset references; `assets` holds the bytes the file carried, for
 * the caller to put in its asset store (IndexedDB, a folder, memory).
 */
import type { Workflow } from '../../nodes/graph.ts';
import { decodeBase64 } from '../assets/base64.ts';
import { sha256Hex } from '../assets/hash.ts';
import { internInlineImages } from './inline-images.ts';
import { parseWorkflowJson, parseWorkflowText, type FileError, type ParseResult } from './parse.ts';

export type OpenResult =
  | {
      ok: true;
      workflow: Workflow;
      /** Bytes found in the file (embedded or inline), by hash, each checked against its hash. */
      assets: Map<string, Uint8Array>;
      migratedFrom?: number;
      warnings: FileError[];
    }
  | { ok: false; errors: FileError[] };

export async function openWorkflowText(text: string, sourceName = 'workflow'): Promise<OpenResult> {
  return completeOpen(parseWorkflowText(text, sourceName));
}

export async function openWorkflowJson(json: unknown): Promise<OpenResult> {
  return completeOpen(parseWorkflowJson(json));
}

async function completeOpen(parsed: ParseResult): Promise<OpenResult> {
  if (!parsed.ok) return parsed;
  const errors: FileError[] = [];
  const assets = new Map<string, Uint8Array>();
  for (const [hash, data] of Object.entries(parsed.embedded)) {
    const path = `assets.${hash}.data`;
    const bytes = decodeBase64(data);
    if (!bytes) {
      errors.push({ path, message: 'is not base64 (the file was damaged); export the workflow again' });
      continue;
    }
    const meta = parsed.workflow.assets[hash]!;
    if (bytes.length !== meta.bytes || (await sha256Hex(bytes)) !== hash) {
      errors.push({
        path,
        message: `does not match its hash (${bytes.length} bytes, ${meta.bytes} listed): the file was altered or cut; export the workflow again`,
      });
      continue;
    }
    assets.set(hash, bytes);
  }
  const interned = await internInlineImages(parsed.workflow);
  errors.push(...interned.errors);
  if (errors.length) return { ok: false, errors: errors.slice(0, 50) };
  for (const [hash, bytes] of interned.bytes) assets.set(hash, bytes);
  const result = { workflow: interned.workflow, assets, warnings: parsed.warnings };
  return parsed.migratedFrom !== undefined
    ? { ok: true, ...result, migratedFrom: parsed.migratedFrom }
    : { ok: true, ...result };
}
