/**
 * Writing results like Fooocus's `private_logger.log`: outputs/<YYYY-MM-DD>/<YYYY-MM-DD_HH-MM-SS>_<rand>.<ext>
 * in server local time, plus a log.html per date folder, and FooocusAPI's `save_name` renaming.
 */
import { access, appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeAs, formatOf } from './render.ts';

const pad = (n: number) => String(n).padStart(2, '0');

export function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function localStamp(d: Date): string {
  return `${localDate(d)}_${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export interface SavedOutput {
  path: string;
  /** Path below outputs/, e.g. 2025-01-31/2025-01-31_10-00-00_1234.png */
  relative: string;
}

export async function saveOutput(
  dataDir: string,
  png: Buffer,
  ext: string,
  label: string,
): Promise<SavedOutput> {
  const now = new Date();
  const date = localDate(now);
  const dir = join(dataDir, 'outputs', date);
  // Not recursive above outputs/: once close() has removed the data folder, nothing re-creates it.
  for (const d of [join(dataDir, 'outputs'), dir])
    await mkdir(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  const candidate = () => `${localStamp(now)}_${1000 + Math.floor(Math.random() * 9000)}.${ext}`;
  let name = candidate();
  while (await exists(join(dir, name))) name = candidate();
  const path = join(dir, name);
  await writeFile(path, await encodeAs(png, formatOf(ext)));
  await appendFile(
    join(dir, 'log.html'),
    `<div><img src="${name}" width="256"/><p>${escapeHtml(label)}</p></div>\n`,
  );
  return { path, relative: `${date}/${name}` };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `save_name` is honoured only as a plain file stem here: the sim never writes outside its outputs. */
export function usableSaveName(name: string | null): string | null {
  if (name === null || ['', 'none', 'None'].includes(name)) return null;
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.includes('..') ? name : null;
}

export async function renameOutput(saved: SavedOutput, stem: string, index: number): Promise<SavedOutput> {
  const ext = saved.path.slice(saved.path.lastIndexOf('.') + 1);
  const date = saved.relative.split('/')[0]!;
  const name = `${stem}-${index}.${ext}`;
  const path = join(saved.path, '..', name);
  await rename(saved.path, path);
  return { path, relative: `${date}/${name}` };
}
