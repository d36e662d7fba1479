/** An 8-bit RGBA pixel buffer: what both image adapters decode into. */
export interface RasterImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decoding and encoding are platform work (canvas in the browser, sharp in Node); the rest is pure. */
export interface ImageAdapter {
  /** A data URL, an http(s) URL, or (Node only) a file path. */
  decode(src: string): Promise<RasterImage>;
  /** The bytes of an image file (an asset), as stored: no EXIF rotation, as FooocusAPI reads them. */
  decodeBytes(bytes: Uint8Array): Promise<RasterImage>;
  /** PNG as a data URL. */
  encodePng(img: RasterImage): Promise<string>;
  /** JPEG (quality 95, alpha dropped) as a data URL: for photos, where a PNG would be many times larger. */
  encodeJpeg(img: RasterImage): Promise<string>;
}

/** Nearest-neighbour resize: masks are binary, so no smoothing is wanted. */
export function resizeNearest(img: RasterImage, width: number, height: number): RasterImage {
  if (img.width === width && img.height === height) return img;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / width));
      const s = (sy * img.width + sx) * 4;
      const d = (y * width + x) * 4;
      out[d] = img.data[s]!;
      out[d + 1] = img.data[s + 1]!;
      out[d + 2] = img.data[s + 2]!;
      out[d + 3] = img.data[s + 3]!;
    }
  }
  return { width, height, data: out };
}

/**
 * A mask as FooocusAPI wants it (contract §4.4): opaque black/white, white = repaint. Transparent
 * pixels (an unpainted canvas) mean "keep". `invert` is done here because the API ignores its flag.
 */
export function binarizeMask(img: RasterImage, invert: boolean): RasterImage {
  const out = new Uint8Array(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    const s = i * 4;
    const grey = (img.data[s]! + img.data[s + 1]! + img.data[s + 2]!) / 3;
    let white = img.data[s + 3]! >= 128 && grey > 127;
    if (invert) white = !white;
    const v = white ? 255 : 0;
    out[s] = v;
    out[s + 1] = v;
    out[s + 2] = v;
    out[s + 3] = 255;
  }
  return { width: img.width, height: img.height, data: out };
}

/** Share of white pixels, to tell an empty mask (Fooocus would skip the inpaint) from a real one. */
export function whiteShare(mask: RasterImage): number {
  let white = 0;
  for (let i = 0; i < mask.width * mask.height; i++) if (mask.data[i * 4]! > 127) white++;
  return white / (mask.width * mask.height || 1);
}

/** How an http(s) image is read, when it is read at all: the caller's bounded download (`--fetch-images`). */
export type FetchImageBytes = (url: string) => Promise<Uint8Array>;
