/**
 * A content-addressed asset store in a folder, for the CLI and the app server: each asset is one
 * file named by its SHA-256 (`<dir>/<first two hex digits>/<hash>`), written
 * once, atomically (a temporary file in the same folder, then a rename), so a crash or two writers at
 * once never leave a half-written image under a valid name. Reads check the bytes against the name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAssetHash, type AssetMeta, type AssetStore } from '../../nodes/assets.ts';

export class FolderAssetStore implements AssetStore {
  constructor(readonly dir: string) {}

  private pathOf(hash: string): string {
    if (!isAssetHash(hash)) throw new Error(`not an asset hash: ${JSON.stringify(hash.slice(0, 80))}`);
    return join(this.dir, hash.slice(0, 2), hash);
  }

  async has(hash: string): Promise<boolean> {
    if (!isAssetHash(hash)) return false;
    return stat(this.pathOf(hash)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  /** The bytes, or null when absent — or damaged (they no longer match their name), which is as good as absent. */
  async get(hash: string): Promise<Uint8Array | null> {
    if (!isAssetHash(hash)) return null;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(hash));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return sha256(bytes) === hash ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) : null;
  }

  async put(bytes: Uint8Array, meta: Omit<AssetMeta, 'hash' | 'bytes'>): Promise<AssetMeta> {
    const hash = sha256(bytes);
    const path = this.pathOf(hash);
    if (!(await this.has(hash))) {
      await mkdir(join(this.dir, hash.slice(0, 2)), { recursive: true });
      const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(tmp, bytes, { flag: 'wx' });
        await rename(tmp, path); // atomic on one file system; the same bytes win either way
      } finally {
        await rm(tmp, { force: true });
      }
    }
    return { ...meta, hash, bytes: bytes.length };
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
