/**
 * The workflow library on disk: one `<name>.fooocus-flow.json` per workflow in one folder. Every
 * name is validated (compiler/workflow-file/library-names.ts, shared with the editor and the CLI)
 * before a path is built, and the path is checked to stay in the folder; contents are validated as
 * workflow files before they are written (whole file to a temporary name, then renamed, so a crash
 * never leaves half a workflow).
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { parseWorkflowText } from '../../compiler/workflow-file/index.ts';
import { megabytes, utf8ByteLength } from '../../compiler/text-size.ts';
import { libraryNameSchema, WORKFLOW_SUFFIX } from '../../compiler/workflow-file/library-names.ts';

/** A workflow with a few photos embedded fits; the same limit as the app server's request bodies. */
export const MAX_LIBRARY_FILE_BYTES = 256 * 1024 * 1024;

export interface LibraryEntry {
  name: string;
  /** ms since the epoch. */
  modified: number;
  bytes: number;
}

export class LibraryError extends Error {
  constructor(
    readonly status: 404 | 409 | 413 | 422,
    message: string,
  ) {
    super(message);
  }
}

export class LibraryStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** The file of a valid name; throws 422 for anything else. */
  pathOf(name: string): string {
    const parsed = libraryNameSchema.safeParse(name);
    if (!parsed.success)
      throw new LibraryError(422, `invalid workflow name: ${parsed.error.issues[0]!.message}`);
    const path = resolve(this.dir, `${parsed.data}${WORKFLOW_SUFFIX}`);
    if (!path.startsWith(this.dir + sep))
      throw new LibraryError(422, 'invalid workflow name: outside the library');
    return path;
  }

  async list(): Promise<LibraryEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: LibraryEntry[] = [];
    for (const f of names) {
      if (!f.endsWith(WORKFLOW_SUFFIX)) continue;
      const name = f.slice(0, -WORKFLOW_SUFFIX.length);
      if (!libraryNameSchema.safeParse(name).success) continue;
      const s = await stat(join(this.dir, f)).catch(() => null);
      if (s?.isFile()) out.push({ name, modified: s.mtimeMs, bytes: s.size });
    }
    return out.sort((a, b) => b.modified - a.modified || a.name.localeCompare(b.name));
  }

  async read(name: string): Promise<string> {
    const path = this.pathOf(name);
    try {
      const handle = await open(path, 'r');
      try {
        if ((await handle.stat()).size > MAX_LIBRARY_FILE_BYTES)
          throw new LibraryError(413, `"${name}" is larger than ${megabytes(MAX_LIBRARY_FILE_BYTES)}`);
        return await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new LibraryError(404, `no workflow named "${name}" in the library`);
      throw err;
    }
  }

  async exists(name: string): Promise<boolean> {
    return stat(this.pathOf(name)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  /** Validates and writes; `overwrite: false` refuses an existing name with 409. */
  async write(name: string, text: string, opts: { overwrite: boolean }): Promise<LibraryEntry> {
    const path = this.pathOf(name);
    const bytes = utf8ByteLength(text);
    if (bytes > MAX_LIBRARY_FILE_BYTES)
      throw new LibraryError(
        413,
        `the workflow is ${megabytes(bytes)}; the library keeps at most ${megabytes(MAX_LIBRARY_FILE_BYTES)}`,
      );
    const parsed = parseWorkflowText(text, name);
    if (!parsed.ok)
      throw new LibraryError(
        422,
        `not a valid workflow: ${parsed.errors
          .slice(0, 5)
          .map((e) => `${e.path}: ${e.message}`)
          .join('; ')}`,
      );
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.tmp-${randomBytes(6).toString('hex')}`);
    await writeFile(tmp, text, { flag: 'wx' });
    try {
      if (opts.overwrite) await rename(tmp, path);
      else await this.linkNew(tmp, path, name);
    } finally {
      await rm(tmp, { force: true });
    }
    const s = await stat(path);
    return { name, modified: s.mtimeMs, bytes: s.size };
  }

  /** Puts `tmp` at `path` only if nothing is there (a hard link fails on an existing file: no race). */
  private async linkNew(tmp: string, path: string, name: string): Promise<void> {
    try {
      await link(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new LibraryError(409, `a workflow named "${name}" already exists; choose another name`);
      throw err;
    }
  }

  /** The copy under the new name is written (its inner name updated) before the old file goes. */
  async rename(from: string, to: string): Promise<LibraryEntry> {
    this.pathOf(to);
    if (from === to) {
      const entry = (await this.list()).find((e) => e.name === from);
      if (!entry) throw new LibraryError(404, `no workflow named "${from}" in the library`);
      return entry;
    }
    const entry = await this.duplicate(from, to);
    await this.remove(from);
    return entry;
  }

  async duplicate(from: string, to: string): Promise<LibraryEntry> {
    this.pathOf(to); // both names are checked before anything is read
    const text = await this.read(from);
    const doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Record<string, unknown>;
    // The copy carries its own name inside too, so it opens under the name it is listed by.
    return this.write(to, JSON.stringify({ ...doc, name: to }), { overwrite: false });
  }

  async remove(name: string): Promise<void> {
    const path = this.pathOf(name);
    try {
      await unlink(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new LibraryError(404, `no workflow named "${name}" in the library`);
      throw err;
    }
  }
}
