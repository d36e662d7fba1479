/**
 * decompile(request) → workflow: rebuilds a readable graph from a FooocusAPI request (a docs
 * example, a log line, a request view copy, a task record's `req_params`). It follows what the
 * server would really run (contract §4.3, fooocus-semantics §1.5) and lists in `notes` whatever the
 * server would ignore or the graph cannot keep.
 *
 * What it reads (contract §5.5): a request; a task record (`task_id` + `req_params`: the sync reply,
 * `/tasks/{id}`, a `/tasks` item or a one-item list), unwrapped; the server's rewritten `req_params`
 * (flat LoRA list, `×` sizes, stored `/inputs/` image URLs, a 63-bit seed), converted. A Fooocus Flow
 * workflow is refused with a pointer to `compile`.
 */
import type { z } from 'zod';
import type { LocalText } from '../nodes/types.ts';
import { laxRequestSchema } from '../contract/schema.ts';
import { readRequestText } from './decompile-input/index.ts';
import { jsonPath } from './json-path.ts';
import { tooLongLists } from './list-limits.ts';
import { friendlyIssue } from './workflow-file/parse.ts';
import { build } from './decompile/build.ts';
import { DecompileFailure, fail, issueErrors } from './decompile/errors.ts';
import {
  normaliseAspectRatio,
  normaliseImages,
  normaliseRewritten,
  normaliseSeed,
  unknownKeys,
} from './decompile/normalise.ts';
import { recognise } from './decompile/recognise.ts';
import type { DecompileOptions, DecompileResult } from './decompile/types.ts';
import { capProblems } from './error-cap.ts';

export type { DecompileOptions, DecompileResult } from './decompile/types.ts';

/** A FooocusAPI request with four image prompts, an inpaint image and mask of 12 MP photos fits with room. */
export { MAX_REQUEST_TEXT_BYTES as MAX_REQUEST_BYTES } from './decompile-input/index.ts';

/**
 * From the text of a file or the clipboard: a UTF-8 BOM is dropped, and a seed too big for a JS
 * number keeps its exact digits for the note (JSON.parse would round 8441793560237457123 to …7000).
 */
export function decompileText(text: string, name = 'Decompiled request'): DecompileResult {
  // JSON, a task record, the documents' Python dict or a curl command (compiler/decompile-input/).
  const read = readRequestText(text);
  if (!read.ok) return fail('(file)', read.message);
  const r = decompile(read.json, name, { seedDigits: read.seedDigits });
  return r.ok ? { ...r, notes: [...read.notes, ...r.notes] } : r;
}

export function decompile(
  input: unknown,
  name = 'Decompiled request',
  options: DecompileOptions = {},
): DecompileResult {
  const notes: LocalText[] = [];
  const unwrapped = recognise(input, notes);
  if ('errors' in unwrapped) return { ok: false, errors: unwrapped.errors };
  const tooLong = tooLongLists(unwrapped.request);
  if (tooLong.length)
    return {
      ok: false,
      errors: capProblems(tooLong.map((e) => ({ path: jsonPath([e.key]), message: e.message }))),
    };
  const raw = { ...unwrapped.request };
  normaliseRewritten(raw, notes);
  normaliseSeed(raw, notes, options.seedDigits);
  // Images and the size are checked beside the schema, so one run lists every problem.
  const errors = [...normaliseImages(raw, notes), ...normaliseAspectRatio(raw, notes)];
  unknownKeys(raw, notes);
  const parsed = laxRequestSchema.safeParse(raw, { error: friendlyIssue });
  if (!parsed.success) errors.push(...issueErrors((parsed.error as z.ZodError).issues));
  if (!parsed.success || errors.length) {
    const seen = new Set<string>();
    return {
      ok: false,
      errors: capProblems(
        errors.filter((e) => !seen.has(e.path) && seen.add(e.path)),
        20,
      ),
    };
  }
  try {
    return { ok: true, workflow: build(parsed.data, name, notes), notes };
  } catch (err) {
    if (err instanceof DecompileFailure) return { ok: false, errors: err.errors };
    throw err;
  }
}
