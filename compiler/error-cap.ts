/**
 * Problem lists shown to a person stop after the first few: a broken 64 MB file can have a million
 * problems, and nobody reads past the first screen. The last line says how many more there are, so
 * "fix these, then look again" is the honest advice.
 */
export const MAX_LISTED_PROBLEMS = 50;

/** The path of the line that stands for the problems not listed. */
export const MORE_PATH = '(more)';

export function capProblems<T extends { path: string; message: string }>(
  problems: readonly T[],
  max = MAX_LISTED_PROBLEMS,
): T[] {
  if (problems.length <= max) return [...problems];
  const more = problems.length - max;
  return [
    ...problems.slice(0, max),
    {
      path: MORE_PATH,
      message: `+${more.toLocaleString('en')} more problem${more === 1 ? '' : 's'} not listed; fix the ones above and check again`,
    } as T,
  ];
}
