/**
 * The items of a batch, from the command line: `--input NAME=<folder or glob or file>` (one item per
 * image file), `--table items.csv|items.jsonl` (one item per row) and `--set NAME=value` (every
 * item). Lists are matched by position (files sorted by name); a single file or value applies to
 * every item. An item's id is a hash of what it binds, so running the same command again finds the
 * same items in the manifest whatever order the folder lists them in.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { applyExposed, exposedImageNames } from '../../compiler/exposed.ts';
import { didYouMean } from '../../compiler/workflow-file/suggest.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { readTable, TABLE_LIMITS } from './table.ts';

export interface BatchItem {
  id: string;
  /** 0-based position in the batch (the order of the contact sheet and results.csv). */
  index: number;
  /** What the user recognises the item by: its first input file's name, or its table row. */
  label: string;
  /** exposed image name → file path */
  inputs: Record<string, string>;
  /** exposed name → value, as with `--set` */
  set: Record<string, string>;
  seed: number;
}

export interface ItemSources {
  inputs: Record<string, string>;
  table: string | undefined;
  set: Record<string, string>;
}

export class ItemsError extends Error {}

const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;

/** The files an `--input` value names: a folder's images, a glob's matches (in its last part), or one file. */
export async function listInputFiles(name: string, pattern: string): Promise<string[]> {
  if (/[*?]/.test(pattern)) {
    const dir = dirname(pattern);
    if (/[*?]/.test(dir))
      throw new ItemsError(
        `--input ${name}=${pattern}: wildcards only in the file name part (e.g. photos/*.jpg)`,
      );
    const re = new RegExp(
      `^${basename(pattern)
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
    const files = (await listDir(name, dir)).filter((f) => re.test(f)).map((f) => join(dir, f));
    if (files.length === 0) throw new ItemsError(`--input ${name}=${pattern}: no file matches`);
    return files;
  }
  let info;
  try {
    info = await stat(pattern);
  } catch {
    throw new ItemsError(`--input ${name}=${pattern}: no such file or folder`);
  }
  if (!info.isDirectory()) return [pattern];
  const files = (await listDir(name, pattern)).filter((f) => IMAGE_FILE.test(f)).map((f) => join(pattern, f));
  if (files.length === 0)
    throw new ItemsError(`--input ${name}=${pattern}: the folder has no .png, .jpg, .jpeg or .webp file`);
  return files;
}

async function listDir(name: string, dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch (e) {
    throw new ItemsError(`--input ${name}: cannot list ${dir}: ${(e as Error).message}`);
  }
}

function itemId(inputs: Record<string, string>, set: Record<string, string>): string {
  const canonical = JSON.stringify([Object.entries(inputs).sort(), Object.entries(set).sort()]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

export async function buildItems(wf: Workflow, sources: ItemSources): Promise<BatchItem[]> {
  const exposed = new Set(wf.exposed.map((x) => x.name));
  const images = exposedImageNames(wf);
  const unknown = (name: string, where: string) =>
    new ItemsError(
      `${where}: "${name}" is not an exposed parameter of this workflow (exposed: ${[...exposed].join(', ') || 'none'})${didYouMean(name, exposed)}`,
    );
  // Each source is a list of partial bindings; a list of one applies to every item.
  const lists: {
    what: string;
    rows: { label?: string; inputs: Record<string, string>; set: Record<string, string> }[];
  }[] = [];
  for (const [name, pattern] of Object.entries(sources.inputs)) {
    if (!exposed.has(name)) throw unknown(name, `--input ${name}`);
    if (!images.has(name))
      throw new ItemsError(`--input ${name}: ${name} is not an image; use --set ${name}=VALUE`);
    const files = await listInputFiles(name, pattern);
    lists.push({
      what: `--input ${name} (${files.length} file${files.length === 1 ? '' : 's'})`,
      rows: files.map((f) => ({ label: basename(f), inputs: { [name]: resolve(f) }, set: {} })),
    });
  }
  if (sources.table !== undefined) {
    const tableDir = dirname(resolve(sources.table));
    const rows = await readTable(sources.table);
    if (rows.length === 0) throw new ItemsError(`${sources.table}: no rows under the header`);
    lists.push({
      what: `--table ${sources.table} (${rows.length} rows)`,
      rows: rows.map((r) => {
        const inputs: Record<string, string> = {};
        const set: Record<string, string> = {};
        for (const [column, value] of Object.entries(r.values)) {
          if (!exposed.has(column)) throw unknown(column, `${r.where}, column "${column}"`);
          if (images.has(column)) {
            if (value === '')
              throw new ItemsError(`${r.where}, column "${column}": empty; give an image file path`);
            inputs[column] = isAbsolute(value) ? value : resolve(tableDir, value);
          } else set[column] = value;
        }
        const check = applyExposed(wf, { set });
        if (check.errors.length > 0) throw new ItemsError(`${r.where}: ${check.errors.join('; ')}`);
        return { label: `row ${r.row}`, inputs, set };
      }),
    });
  }
  for (const name of Object.keys(sources.set)) if (!exposed.has(name)) throw unknown(name, `--set ${name}`);
  const check = applyExposed(wf, {
    set: Object.fromEntries(Object.entries(sources.set).filter(([n]) => !images.has(n))),
  });
  if (check.errors.length > 0) throw new ItemsError(`--set: ${check.errors.join('; ')}`);

  const many = lists.filter((l) => l.rows.length > 1);
  const count = many[0]?.rows.length ?? 1;
  const mismatch = many.find((l) => l.rows.length !== count);
  if (mismatch)
    throw new ItemsError(
      `${many[0]!.what} and ${mismatch.what} differ in length: items are matched by position (files sorted by name), so give lists of the same length`,
    );
  if (count > TABLE_LIMITS.rows)
    throw new ItemsError(`${count} items: a batch holds at most ${TABLE_LIMITS.rows}; split it`);
  if (lists.length === 0)
    throw new ItemsError(
      'Nothing to batch over: give --input NAME=<folder or glob> and/or --table items.csv',
    );

  const items: BatchItem[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const inputs: Record<string, string> = {};
    const set: Record<string, string> = { ...sources.set };
    // A list that varies names the item best; a single file still does when nothing varies.
    const labels: string[] = [];
    const fallbackLabels: string[] = [];
    for (const l of lists) {
      const row = l.rows.length === 1 ? l.rows[0]! : l.rows[i]!;
      Object.assign(inputs, row.inputs);
      Object.assign(set, row.set);
      if (row.label) (l.rows.length > 1 ? labels : fallbackLabels).push(row.label);
    }
    const id = itemId(inputs, set);
    const twin = seen.get(id);
    if (twin !== undefined)
      throw new ItemsError(`items ${twin + 1} and ${i + 1} bind exactly the same values; remove one`);
    seen.set(id, i);
    items.push({
      id,
      index: i,
      label: labels[0] ?? fallbackLabels[0] ?? `item ${i + 1}`,
      inputs,
      set,
      seed: 0,
    });
  }
  return items;
}

/** A seed per item, fixed when the batch starts (kept in the manifest): reruns send the same request. */
export function itemSeed(batchSeed: number, id: string): number {
  const h = createHash('sha256').update(`${batchSeed}:${id}`).digest();
  return h.readUIntBE(0, 6) + (h[6]! & 0x1f) * 2 ** 48; // < 2^53
}
