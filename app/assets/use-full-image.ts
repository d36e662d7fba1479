import { useEffect, useState } from 'react';
import { loadableUrl } from './import-image.ts';

/**
 * The full image behind an image parameter, for the few views that need every pixel (the mask
 * painter): '' while it loads or when the asset is missing. The object URL is freed on change.
 */
export function useFullImageUrl(value: string): string {
  const [loaded, setLoaded] = useState<{ value: string; url: string } | null>(null);
  useEffect(() => {
    let live = true;
    let free = () => undefined as void;
    if (value)
      void loadableUrl(value).then((r) => {
        if (!r) return;
        if (!live) return r.free();
        free = r.free;
        setLoaded({ value, url: r.url });
      });
    return () => {
      live = false;
      free();
    };
  }, [value]);
  return loaded?.value === value ? loaded.url : '';
}
