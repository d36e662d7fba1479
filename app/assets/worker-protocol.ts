import type { AssetMeta } from '../../nodes/assets.ts';

/** Messages to and from `asset-worker.ts`. */
export type WorkerRequest = { id: number; op: 'analyse' | 'decode'; blob: Blob };

export interface Analysed extends AssetMeta {
  /** A small WebP for nodes and lists (never the full image); null when this browser cannot decode it. */
  thumb: Blob | null;
}

export interface DecodedPixels {
  width: number;
  height: number;
  /** 8-bit RGBA, unpremultiplied. */
  data: ArrayBuffer;
}

export type WorkerReply =
  /** Not the answer yet: the thumbnail, ready before the hash is (the node can show it now). */
  | { id: number; ok: true; op: 'preview'; thumb: Blob }
  /** `marks`: when each step ended in the worker (epoch ms), kept as performance marks for the bench. */
  | { id: number; ok: true; op: 'analyse'; result: Analysed; marks?: Record<string, number> }
  | { id: number; ok: true; op: 'decode'; result: DecodedPixels }
  | {
      id: number;
      ok: false;
      error: string;
      /** Set when the header states more pixels than the budget: the size, to say so in the user's language. */
      tooLarge?: { width: number; height: number };
      /** Set when the file is no image the editor takes (said in the user's language, with what to do). */
      notImage?: true;
    };
