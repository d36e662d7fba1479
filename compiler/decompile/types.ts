/** What decompile returns and takes. */
import type { Workflow } from '../../nodes/graph.ts';
import type { LocalText } from '../../nodes/types.ts';

export interface DecompileError {
  /** Path into the request (or the file, for a record): `loras[0].enabled`, `(top level)`. */
  path: string;
  message: string;
}

export type DecompileResult =
  { ok: true; workflow: Workflow; notes: LocalText[] } | { ok: false; errors: DecompileError[] };

export interface DecompileOptions {
  /**
   * The exact digits of `image_seed` as the source text wrote them, when JSON numbers cannot hold
   * them (above 2^53−1). `decompileText` finds them; only used in the note.
   */
  seedDigits?: string | undefined;
}
