/**
 * The batches this browser started (or resumed) and has not seen end yet, in localStorage: after a
 * reload or in a new tab, start-up follows them in the background so their results join the
 * gallery without the batch dialog being opened (batch-follow.ts). Small on purpose: this module is
 * in the editor's first load, the following code is not. Bounded: the newest few only.
 */
const KEY = 'fooocus-flow-batches-started';
/** More than anyone runs at once; older ids drop off (their results are filed when reopened). */
const MAX = 20;
const BATCH_ID = /^[0-9a-f]{16}$/;

/** The remembered batch ids, oldest first; whatever else the key holds is ignored. */
export function startedBatches(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string' && BATCH_ID.test(x)).slice(-MAX)
      : [];
  } catch {
    return [];
  }
}

function save(ids: string[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(ids.slice(-MAX)));
  } catch {
    // storage refused (private mode, full): the batch is still filed while this page follows it
  }
}

export function rememberBatch(id: string): void {
  save([...startedBatches().filter((x) => x !== id), id]);
}

export function forgetBatch(id: string): void {
  const ids = startedBatches();
  if (ids.includes(id)) save(ids.filter((x) => x !== id));
}
