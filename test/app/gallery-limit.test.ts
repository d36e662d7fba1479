import { beforeEach, describe, expect, it } from 'vitest';
import { galleryLimitMb, parseGalleryLimitMb } from '../../app/run/gallery-limit.ts';
import { setGalleryLimit, useGallery, type GalleryRun } from '../../app/run/gallery.ts';

const MB = 1024 * 1024;

/** A run as the gallery holds it (no images needed here; IndexedDB is absent, the store is what counts). */
const run = (id: string, at: number, mb: number) =>
  ({ id, at, bytes: mb * MB, images: [], kept: true }) as unknown as GalleryRun;

beforeEach(() => {
  const store = new Map<string, string>();
  (globalThis as { localStorage?: unknown }).localStorage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  };
});

describe('gallery storage limit', () => {
  it('accepts whole megabytes from 1 to 10000 only', () => {
    expect(parseGalleryLimitMb('300')).toBe(300);
    expect(parseGalleryLimitMb(' 50 ')).toBe(50);
    for (const bad of ['', '0', '1.5', '-3', '10001', 'lots'])
      expect(parseGalleryLimitMb(bad), bad).toBeNull();
  });

  it('is 300 MB until set, and remembered once set', async () => {
    expect(galleryLimitMb()).toBe(300);
    useGallery.setState({ runs: [] });
    await setGalleryLimit(1200);
    expect(galleryLimitMb()).toBe(1200);
  });

  it('a lower limit deletes the oldest runs at once, and keeps the newest however large', async () => {
    useGallery.setState({ runs: [run('b', 2, 0.6), run('a', 1, 0.6), run('c', 3, 0.6)] });
    expect(await setGalleryLimit(1)).toBe(2);
    expect(useGallery.getState().runs.map((r) => r.id)).toEqual(['c']);

    useGallery.setState({ runs: [run('old', 1, 0.2), run('huge', 2, 5)] });
    expect(await setGalleryLimit(1)).toBe(1);
    expect(useGallery.getState().runs.map((r) => r.id)).toEqual(['huge']);

    useGallery.setState({ runs: [run('x', 1, 0.3), run('y', 2, 0.3)] });
    expect(await setGalleryLimit(1)).toBe(0);
    expect(useGallery.getState().runs).toHaveLength(2);
  });
});
