import { useEffect } from 'react';
import { create } from 'zustand';
import type { AssetMeta } from '../../nodes/assets.ts';
import { getAssetRecord, type AssetRecord } from './asset-db.ts';

/**
 * What the editor shows of each asset, in memory: its metadata and a thumbnail object URL (never
 * the full image), or that it is missing (storage cleared, a file saved without images).
 */
interface AssetViewState {
  thumbs: Record<string, string>;
  metas: Record<string, AssetMeta>;
  missing: Record<string, true>;
}

export const useAssetView = create<AssetViewState>()(() => ({ thumbs: {}, metas: {}, missing: {} }));

const loading = new Map<string, Promise<void>>();

/**
 * Makes a stored (or just made) record known to the views. `thumbUrl`: an object URL of its
 * thumbnail already made (the preview shown while it was hashed): the views take it over, so the
 * node's image does not load again; it is revoked when the asset was already known.
 */
export function showAsset(rec: Pick<AssetRecord, 'meta' | 'thumb'>, thumbUrl?: string): void {
  const hash = rec.meta.hash;
  const s = useAssetView.getState();
  if (s.metas[hash]) {
    // An image already decoded keeps showing when its URL is revoked; a later load uses the known URL.
    if (thumbUrl) URL.revokeObjectURL(thumbUrl);
    return;
  }
  const { [hash]: _gone, ...missing } = s.missing;
  const url = thumbUrl ?? (rec.thumb ? URL.createObjectURL(rec.thumb) : null);
  useAssetView.setState({
    thumbs: url ? { ...s.thumbs, [hash]: url } : s.thumbs,
    metas: { ...s.metas, [hash]: rec.meta },
    missing,
  });
}

/** Loads an asset's thumbnail and metadata from IndexedDB once; marks it missing when absent. */
export function loadAssetView(hash: string): Promise<void> {
  const s = useAssetView.getState();
  if (s.metas[hash]) return Promise.resolve();
  let p = loading.get(hash);
  if (!p) {
    p = getAssetRecord(hash)
      .then((rec) => {
        if (rec) showAsset(rec);
        else useAssetView.setState((st) => ({ missing: { ...st.missing, [hash]: true } }));
      })
      .catch(() => useAssetView.setState((st) => ({ missing: { ...st.missing, [hash]: true } })))
      .finally(() => loading.delete(hash));
    loading.set(hash, p);
  }
  return p;
}

/** A component's view of one asset: thumbnail URL, metadata, and whether it is missing. */
export function useAsset(hash: string | null) {
  const thumb = useAssetView((s) => (hash ? s.thumbs[hash] : undefined));
  const meta = useAssetView((s) => (hash ? s.metas[hash] : undefined));
  const missing = useAssetView((s) => (hash ? s.missing[hash] === true : false));
  useEffect(() => {
    if (hash) void loadAssetView(hash);
  }, [hash]);
  return { thumb, meta, missing };
}
