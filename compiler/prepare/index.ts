export { prepareImages, type PrepareResult } from './prepare.ts';
export type { ImageAdapter, RasterImage } from './raster.ts';
export { withPrepareDiagnostics } from './merge.ts';
