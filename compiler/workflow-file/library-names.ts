/**
 * Workflow names in the library are file names, so they are checked before any path is built:
 * letters (any script), digits, spaces and `-_.()`, 1–80 characters, not starting with a dot or a
 * space. "../x", "a/b", "C:x", NUL, control characters and reserved Windows names are refused,
 * never "cleaned" into another file. `toLibraryName` turns free text into a valid name for the UI.
 */
import * as z from '../../contract/zod-mini.ts';

export const MAX_NAME_LENGTH = 80;
export const WORKFLOW_SUFFIX = '.fooocus-flow.json';

const NAME = /^[\p{L}\p{N}_(-][\p{L}\p{N} ._()-]*$/u;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

export const libraryNameSchema = z.string().check(
  z.minLength(1, 'a name is needed'),
  z.maxLength(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`),
  z.refine(
    (n) => NAME.test(n),
    'only letters, digits, spaces and - _ . ( ) are allowed, and no leading dot or space',
  ),
  z.refine((n) => !n.includes('..'), 'two dots in a row are not allowed'),
  z.refine((n) => !RESERVED.test(n) && !/[ .]$/.test(n), 'not a name a file may have on every system'),
);

/** Free text ("My portrait / v2") → a valid library name ("My portrait - v2"); '' when nothing is left. */
export function toLibraryName(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[ .-]+|[ .-]+$/g, '')
    .slice(0, MAX_NAME_LENGTH)
    .replace(/[ .]+$/, '');
}
