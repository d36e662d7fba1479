/**
 * Gallery entries the user deleted that would otherwise come back: an editor batch's entry is
 * filled from the batch's status on the app server, so reopening the batch (or a reload while it
 * runs) would file its results again. The ids are kept in localStorage, the newest few hundred.
 */
const KEY = 'fooocus-flow.gallery-deleted-entries';
/** Bounds the list; a batch deleted hundreds of batches ago is not reopened in practice. */
const KEEP = 300;

function read(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return []; // no storage (private mode) or a damaged value: nothing is remembered
  }
}

/** Remembers that the entries `ids` were deleted by the user. */
export function rememberDeleted(ids: readonly string[]): void {
  if (ids.length === 0) return;
  const next = [...read().filter((x) => !ids.includes(x)), ...ids].slice(-KEEP);
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage refused: the entry may come back when its batch is reopened, nothing is lost.
  }
}

export function wasDeleted(id: string): boolean {
  return read().includes(id);
}
