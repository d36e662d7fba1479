/**
 * "Did you mean …?" for misspelt names (workflow params, request keys, CLI flags). A name is offered
 * only when it is close: an edit distance of at most a third of the name's length (2 at least), or
 * the same letters in another case / with `_` and `-` swapped.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (plain(c) === plain(name)) return c;
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase(), limit);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean "x"?)`, or '' when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>, quote = '"'): string {
  const hit = closestName(name, candidates);
  return hit === undefined ? '' : `; did you mean ${quote}${hit}${quote}?`;
}

/** Damerau–Levenshtein (optimal string alignment), giving up past `limit` (returns limit + 1). */
function editDistance(a: string, b: string, limit: number): number {
  if (a.length > 200 || b.length > 200) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
  }
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
  }
  return rows[a.length]![b.length]!;
}
