/**
 * `<out>/manifest.json`: the batch's durable state, one record per item (queued, running on which
 * server with which task, collecting, done with its files, failed with its reason). It is written
 * atomically (temp file + rename) at every state change, and in embedded mode it also holds each
 * item's tracked-run journal entry, saved before the POST. Running the same command again reads it
 * back (as untrusted input: zod) and goes on from there.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeAtomically } from '../file-io.ts';
import { itemProblemSchema } from './item-problem.ts';
import type { ItemResult, StoredEntry } from './queue.ts';

export const MANIFEST_FILE = 'manifest.json';
const FORMAT = 'fooocus-flow/batch-manifest';

const resultSchema = z.object({
  taskId: z.string().regex(/^[0-9a-f]{32}$/),
  baseUrl: z.string().regex(/^https?:\/\//),
  images: z.array(z.string().max(4096)).max(1000),
  warnings: z.array(z.string()),
  worker: z.string(),
  /** A pipeline: every request's task by step and chain (1-based). */
  tasks: z
    .array(z.object({ step: z.number().int().min(1), chain: z.number().int().min(1), taskId: z.string() }))
    .max(10_000)
    .optional(),
});

const itemSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{12}$/),
  index: z.number().int().min(0),
  label: z.string(),
  inputs: z.record(z.string(), z.string()),
  set: z.record(z.string(), z.string()),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  state: z.enum(['queued', 'running', 'collecting', 'done', 'failed']),
  server: z.string().optional(),
  worker: z.string().optional(),
  taskId: z.string().optional(),
  phase: z.string().optional(),
  progress: z.number().optional(),
  /** Embedded mode: the tracked run's journal entry (without its request); a pipeline's has `steps`, each request so far. */
  entry: z.looseObject({ baseUrl: z.string(), state: z.string(), submits: z.number() }).optional(),
  itemFailures: z.number().int().min(0),
  result: resultSchema.optional(),
  files: z.array(z.string()).optional(),
  thumbs: z.object({ input: z.string().optional(), results: z.array(z.string()) }).optional(),
  error: z.string().optional(),
  /** Why it failed, as a code the editor words (item-problem.ts); `error` is the CLI's text. */
  problem: itemProblemSchema.optional(),
  /** The last few retries, in plain words. */
  notes: z.array(z.string()).optional(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
});

const manifestSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  batchId: z.string().regex(/^[0-9a-f]{16}$/),
  workflow: z.object({ path: z.string(), sha256: z.string() }),
  queue: z.string(),
  batchSeed: z.number().int().min(0),
  createdAt: z.number(),
  updatedAt: z.number(),
  items: z.array(itemSchema).max(100_000),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestItem = z.infer<typeof itemSchema> & {
  entry?: StoredEntry | undefined;
  result?: ItemResult | undefined;
};

export function newManifest(
  fields: Omit<Manifest, 'format' | 'version' | 'createdAt' | 'updatedAt'>,
): Manifest {
  const now = Date.now();
  return { format: FORMAT, version: 1, createdAt: now, updatedAt: now, ...fields };
}

export async function readManifest(out: string): Promise<Manifest | null> {
  const path = join(out, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`Cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON (was it edited by hand?)`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path} is not a batch manifest: ${issue?.path.join('.') || 'the file'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

/**
 * Saves are coalesced: while one write is under way, every change made meanwhile goes into the next
 * one, and each `save()` resolves once a write that includes its change is on disk.
 */
export function manifestStore(out: string, manifest: Manifest) {
  const path = join(out, MANIFEST_FILE);
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  return {
    manifest,
    item(id: string): ManifestItem {
      const item = manifest.items.find((i) => i.id === id);
      if (!item) throw new Error(`no item ${id} in the manifest`);
      return item as ManifestItem;
    },
    save(): Promise<void> {
      if (queued) return queued;
      const next = chain.then(() => {
        queued = null;
        manifest.updatedAt = Date.now();
        return writeAtomically(path, `${JSON.stringify(manifest, null, 1)}\n`);
      });
      queued = next;
      chain = next.catch(() => undefined);
      return next;
    },
  };
}
