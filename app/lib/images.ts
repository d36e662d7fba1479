/** Measures an image an `<img>` can load (a URL the user typed): its size, or nulls. */
export function measureImage(src: string): Promise<{ width: number | null; height: number | null }> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve({ width: img.naturalWidth || null, height: img.naturalHeight || null });
    img.onerror = () => resolve({ width: null, height: null });
    img.src = src;
  });
}

export function isImageFile(f: File): boolean {
  return f.type.startsWith('image/');
}

export function isJsonFile(f: File): boolean {
  return f.type === 'application/json' || f.name.toLowerCase().endsWith('.json');
}
