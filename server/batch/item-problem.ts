/**
 * Why a batch item failed, as a code with its details, next to the reason text the CLI prints
 * (`item.error`, which names `--input` and paths on disk). The editor's batch dialog words the code
 * in the user's language (app/i18n/catalog-batch.ts) instead of parsing the CLI's text.
 */
import { z } from 'zod';
import { InputFileError } from '../assets/open-workflow.ts';

export const ITEM_PROBLEM_CODES = [
  /** The item's image file could not be read (gone, unreadable). */
  'input-unreadable',
  /** The item's image file is no PNG, JPEG or WebP. */
  'input-not-image',
  /** The item's image is over the pixel budget (texts: why, in both languages). */
  'input-too-large',
  /** The item's values do not fit the workflow's exposed parameters (message: the checker's words). */
  'values-rejected',
  /** The workflow does not compile for this item (texts: each error, in both languages). */
  'workflow-errors',
  /** The FooocusAPI server refused or failed the item, attempt after attempt (message: its answer). */
  'engine-refused',
] as const;

const localText = z.object({ en: z.string().max(2000), zh: z.string().max(2000) });

export const itemProblemSchema = z.object({
  code: z.enum(ITEM_PROBLEM_CODES),
  /** The exposed image input the file was bound to. */
  input: z.string().max(200).optional(),
  /** The file's own name (never its path on the server's disk). */
  file: z.string().max(500).optional(),
  texts: z.array(localText).max(20).optional(),
  message: z.string().max(2000).optional(),
});

export type ItemProblem = z.infer<typeof itemProblemSchema>;

/** An error of one item that carries its problem as well as the CLI's message. */
export class ItemProblemError extends Error {
  constructor(
    message: string,
    readonly problem: ItemProblem,
  ) {
    super(message);
    this.name = 'ItemProblemError';
  }
}

const INPUT_CODES = {
  unreadable: 'input-unreadable',
  'not-image': 'input-not-image',
  'too-large': 'input-too-large',
} as const;

/** The problem an error of preparing or running an item carries, if it says one. */
export function problemOf(e: unknown): ItemProblem | undefined {
  if (e instanceof ItemProblemError) return e.problem;
  if (e instanceof InputFileError) {
    const { code, input, file, text } = e.details;
    return { code: INPUT_CODES[code], input, file, ...(text ? { texts: [text] } : {}) };
  }
  return undefined;
}
