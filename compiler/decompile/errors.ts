/** Decompile errors: a failure thrown from deep in the build, zod issues as request paths. */
import type { z } from 'zod';
import { jsonPath } from '../json-path.ts';
import type { DecompileError, DecompileResult } from './types.ts';
export class DecompileFailure extends Error {
  constructor(readonly errors: DecompileError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  }
}
export const fail = (path: string, message: string): DecompileResult => ({
  ok: false,
  errors: [{ path, message }],
});

export function issueErrors(issues: readonly z.core.$ZodIssue[], prefix = ''): DecompileError[] {
  const seen = new Set<string>();
  const out: DecompileError[] = [];
  for (const i of issues) {
    const path = jsonPath(i.path, prefix);
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, message: i.message }); // all kept: the caller lists 20 and counts the rest
  }
  return out;
}

// ---------- what was given ----------
