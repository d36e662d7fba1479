/** Reads an image file as a data URL and measures it. */
export async function readImageFile(
  file: File,
): Promise<{ dataUrl: string; width: number | null; height: number | null }> {
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
  const size = await measureImage(dataUrl);
  return { dataUrl, ...size };
}

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
