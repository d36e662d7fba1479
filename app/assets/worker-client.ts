import { ImageTooLargeError } from '../../compiler/prepare/pixel-budget.ts';
import type { RasterImage } from '../../compiler/prepare/raster.ts';
import { NotAnImageError } from './image-admission.ts';
import type { Analysed, WorkerReply } from './worker-protocol.ts';

/**
 * The main thread's side of `asset-worker.ts`: two workers (the machine this runs on may have two
 * cores; dropping ten photos should not queue them all behind one), each request answered by id.
 * Each worker gets one job at a time and the rest wait here, in order: ten 12-megapixel photos
 * posted at once would otherwise all be read and decoded together (ten 48 MB bitmaps at a time,
 * the first thumbnail as late as the last), and the main thread, sharing the cores, would stall.
 */
const POOL = 2;
interface Job {
  id: number;
  op: 'analyse' | 'decode';
  blob: Blob;
  /** Called with the thumbnail when it is ready, before the answer (analyse only). */
  onPreview?: ((thumb: Blob) => void) | undefined;
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}
const workers: { w: Worker; job: Job | null }[] = [];
const queue: Job[] = [];
let seq = 0;

function spawn(): { w: Worker; job: Job | null } {
  const slot: { w: Worker; job: Job | null } = {
    w: new Worker(new URL('./asset-worker.ts', import.meta.url), { type: 'module' }),
    job: null,
  };
  slot.w.onmessage = (e: MessageEvent<WorkerReply>) => {
    const job = slot.job;
    if (!job || job.id !== e.data.id) return;
    if (e.data.ok && e.data.op === 'preview') {
      markSteps({ preview: performance.timeOrigin + performance.now() });
      job.onPreview?.(e.data.thumb);
      return;
    }
    slot.job = null;
    if (e.data.ok && e.data.op === 'analyse')
      markSteps({ ...e.data.marks, reply: performance.timeOrigin + performance.now() });
    if (e.data.ok) job.resolve(e.data.result as never);
    else if (e.data.tooLarge)
      job.reject(new ImageTooLargeError(e.data.tooLarge.width, e.data.tooLarge.height));
    else if (e.data.notImage) job.reject(new NotAnImageError());
    else job.reject(new Error(e.data.error));
    pump();
  };
  // A worker that failed to load or crashed: its job fails with the reason, the queue moves on.
  slot.w.onerror = (e: ErrorEvent) => {
    const job = slot.job;
    slot.job = null;
    job?.reject(new Error(e.message || 'the image worker failed'));
    pump();
  };
  workers.push(slot);
  return slot;
}

/**
 * The worker's steps (file read, hashed, decoded, thumbnail encoded) and the reply, as performance
 * marks `asset:<step>` on the page's timeline: the bench reads them to show where an upload's time
 * goes. Only the last analysis's marks are kept, so they never pile up.
 */
function markSteps(marks: Record<string, number> | undefined): void {
  if (typeof performance.mark !== 'function') return;
  for (const [step, at] of Object.entries(marks ?? {})) {
    performance.clearMarks(`asset:${step}`); // only the last analysis's marks are kept
    performance.mark(`asset:${step}`, { startTime: at - performance.timeOrigin });
  }
}

/** Hands waiting jobs to idle workers (starting workers up to the pool size). */
function pump(): void {
  while (queue.length) {
    const slot = workers.find((x) => !x.job) ?? (workers.length < POOL ? spawn() : null);
    if (!slot) return;
    const job = queue.shift()!;
    slot.job = job;
    slot.w.postMessage({ id: job.id, op: job.op, blob: job.blob });
  }
}

function ask<T>(op: 'analyse' | 'decode', blob: Blob, onPreview?: (thumb: Blob) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queue.push({ id: ++seq, op, blob, onPreview, resolve: resolve as (v: never) => void, reject });
    pump();
  });
}

/** Jobs waiting for a worker and jobs running (tests). */
export function assetJobs(): { waiting: number; running: number } {
  return { waiting: queue.length, running: workers.filter((x) => x.job).length };
}

/**
 * Starts the workers ahead of the first photo (loading a module worker takes a moment), when the
 * editor is idle after start-up.
 */
export function warmAssetWorkers(): void {
  while (workers.length < POOL) spawn();
}

/**
 * Hash, type, pixel size and thumbnail of an image file, computed off the main thread. `onPreview`
 * gets the thumbnail as soon as it is drawn, before the hash (the slower part) is known.
 */
export function analyseImage(blob: Blob, onPreview?: (thumb: Blob) => void): Promise<Analysed> {
  return ask<Analysed>('analyse', blob, onPreview);
}

/** The image's RGBA pixels, decoded off the main thread. */
export async function decodePixels(blob: Blob): Promise<RasterImage> {
  const r = await ask<{ width: number; height: number; data: ArrayBuffer }>('decode', blob);
  return { width: r.width, height: r.height, data: new Uint8Array(r.data) };
}
