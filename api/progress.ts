/**
 * Progress as the UI and the CLI show it, whatever the transport: polling reads task records,
 * streaming reads SSE events (contract §5.3, §5.5).
 */
import type { StreamEvent, TaskRecord } from './schemas.ts';

export interface ProgressEvent {
  /** 0–100. */
  progress: number;
  message: string;
  /** A `data:image/png;base64,...` URL of the current sampling preview, when the server sent one. */
  preview?: string | undefined;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** States that end a task. "skip" is possible in theory; the worker normally resets it to "finished". */
export const FINAL_STATES = new Set(['finished', 'stop', 'skip']);

export function isFinalRecord(record: TaskRecord): boolean {
  return record.task_status !== null && FINAL_STATES.has(record.task_status);
}

/** The running record's preview is raw base64 (no prefix); the stream's already has one. */
export function toPreviewUrl(preview: string | null | undefined): string | undefined {
  if (!preview) return undefined;
  return preview.startsWith('data:') ? preview : `data:image/png;base64,${preview}`;
}

const clamp = (n: number) => Math.max(0, Math.min(100, n));

export function progressFromRecord(record: TaskRecord): ProgressEvent {
  switch (record.task_status) {
    case 'pending':
      return { progress: 0, message: 'Submitted, waiting for the server ...' };
    case null:
      // The DB row of a queued task, or one the worker picked up before its first progress update.
      return { progress: 0, message: 'Waiting in the queue ...' };
    case 'running': {
      const progress = clamp(record.progress ?? 0);
      // The running record carries no message (only the stream does), so say what we know.
      const message =
        typeof record['message'] === 'string' ? record['message'] : `Generating ... ${Math.round(progress)}%`;
      return { progress, message, preview: toPreviewUrl(record.preview) };
    }
    case 'stop':
      return { progress: clamp(record.progress ?? 100), message: 'Stopped' };
    default:
      return { progress: 100, message: 'Finished' };
  }
}

export function progressFromStream(event: StreamEvent): ProgressEvent {
  return { progress: clamp(event.progress), message: event.message, preview: toPreviewUrl(event.preview) };
}
