import type { RasterImage } from '../../compiler/prepare/raster.ts';
import type { Analysed, WorkerReply } from './worker-protocol.ts';

/**
 * The main thread's side of `asset-worker.ts`: two workers (the machine this runs on may have two
 * cores; dropping ten photos should not queue them all behind one), each request answered by id.
 */
const POOL = 2;
const workers: Worker[] = [];
const waiting = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
let seq = 0;

function worker(): Worker {
  if (workers.length < POOL) {
    const w = new Worker(new URL('./asset-worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<WorkerReply>) => {
      const p = waiting.get(e.data.id);
      if (!p) return;
      waiting.delete(e.data.id);
      if (e.data.ok) p.resolve(e.data.result as never);
      else p.reject(new Error(e.data.error));
    };
    workers.push(w);
    return w;
  }
  return workers[seq % POOL]!;
}

function ask<T>(op: 'analyse' | 'decode', blob: Blob): Promise<T> {
  const id = ++seq;
  return new Promise<T>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: never) => void, reject });
    worker().postMessage({ id, op, blob });
  });
}

/**
 * Starts the workers ahead of the first photo (loading a module worker takes a moment), when the
 * editor is idle after start-up.
 */
export function warmAssetWorkers(): void {
  while (workers.length < POOL) worker();
}

/** Hash, type, pixel size and thumbnail of an image file, computed off the main thread. */
export function analyseImage(blob: Blob): Promise<Analysed> {
  return ask<Analysed>('analyse', blob);
}

/** The image's RGBA pixels, decoded off the main thread. */
export async function decodePixels(blob: Blob): Promise<RasterImage> {
  const r = await ask<{ width: number; height: number; data: ArrayBuffer }>('decode', blob);
  return { width: r.width, height: r.height, data: new Uint8Array(r.data) };
}
