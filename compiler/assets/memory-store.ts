import type { AssetMeta, AssetReader, AssetStore } from '../../nodes/assets.ts';
import { sha256Hex } from './hash.ts';

/** Assets held in memory: the ones embedded in an opened file, `--input` files, tests. */
export class MemoryAssetStore implements AssetStore {
  private readonly items = new Map<string, Uint8Array>();

  async get(hash: string): Promise<Uint8Array | null> {
    return this.items.get(hash) ?? null;
  }

  async has(hash: string): Promise<boolean> {
    return this.items.has(hash);
  }

  async put(bytes: Uint8Array, meta: Omit<AssetMeta, 'hash' | 'bytes'>): Promise<AssetMeta> {
    const hash = await sha256Hex(bytes);
    this.items.set(hash, bytes);
    return { ...meta, hash, bytes: bytes.length };
  }

  /** Keeps bytes whose hash the caller has already checked (e.g. `openWorkflowText`'s result). */
  add(hash: string, bytes: Uint8Array): void {
    this.items.set(hash, bytes);
  }
}

/** Reads from the first reader that has the asset: e.g. the file's embedded images, then a folder store. */
export function firstOf(...readers: AssetReader[]): AssetReader {
  return {
    async get(hash) {
      for (const r of readers) {
        const bytes = await r.get(hash);
        if (bytes) return bytes;
      }
      return null;
    },
  };
}
