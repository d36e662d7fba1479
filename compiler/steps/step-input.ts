/**
 * A later step's request made sendable: the previous step's result image goes into the field that
 * holds the placeholder (as a data URL of its bytes — a server cannot always reach its own URLs),
 * and a mask drawn on the original image is fitted to that image's size (G-6: another size would
 * crash the worker). The pixel work goes through the platform's `ImageAdapter`, like `prepare`.
 */
import { dataUrlBytes, bytesToDataUrl } from '../assets/data-url.ts';
import { readImageHeader } from '../prepare/image-header.ts';
import { resizeNearest, type ImageAdapter } from '../prepare/raster.ts';
import type { FooocusRequest } from '../../contract/fields.ts';
import type { CompiledStep } from '../types.ts';

export async function stepRequestWithInput(
  step: CompiledStep,
  inputBytes: Uint8Array,
  adapter: ImageAdapter | undefined,
): Promise<FooocusRequest> {
  if (!step.input) return step.request;
  const header = readImageHeader(inputBytes);
  const out: Record<string, unknown> = {
    ...step.request,
    [step.input.field]: bytesToDataUrl(inputBytes, header?.type ?? 'image/png'),
  };
  const mask = out.inpaint_mask_image_upload;
  if (step.input.field === 'inpaint_input_image' && adapter && header && typeof mask === 'string') {
    const bytes = dataUrlBytes(mask);
    const maskHeader = bytes && readImageHeader(bytes);
    if (
      bytes &&
      maskHeader &&
      header.width > 0 &&
      (maskHeader.width !== header.width || maskHeader.height !== header.height)
    ) {
      const raster = await adapter.decodeBytes(bytes);
      out.inpaint_mask_image_upload = await adapter.encodePng(
        resizeNearest(raster, header.width, header.height),
      );
    }
  }
  return out as FooocusRequest;
}
