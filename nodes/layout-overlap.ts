/**
 * Keeps node boxes apart when one grows (a thumbnail arrives, a diagnostic appears): the nodes it
 * now covers move out of its way, right or down, whichever is the shorter move, and so on down the
 * line for the nodes those cover. Only overlaps the growth caused are resolved; boxes the user
 * placed over each other on purpose stay. Pure: positions in, moved positions out.
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const NODE_GAP = 24;

export function overlaps(a: Box, b: Box, gap = 0): boolean {
  return (
    a.x < b.x + b.width + gap &&
    b.x < a.x + a.width + gap &&
    a.y < b.y + b.height + gap &&
    b.y < a.y + a.height + gap
  );
}

/** Every pair of boxes that overlap (ids in input order), for tests and checks. */
export function overlappingPairs(boxes: ReadonlyMap<string, Box>): [string, string][] {
  const ids = [...boxes.keys()];
  const out: [string, string][] = [];
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++)
      if (overlaps(boxes.get(ids[i]!)!, boxes.get(ids[j]!)!)) out.push([ids[i]!, ids[j]!]);
  return out;
}

/**
 * `grown` changed size from `before` to its box in `boxes`. Returns the new positions of the nodes
 * that had to move (empty when none). Each moved node pushes in turn; at most one pass per node.
 */
export function pushApart(
  boxes: ReadonlyMap<string, Box>,
  grown: string,
  before: { width: number; height: number },
): Map<string, { x: number; y: number }> {
  const cur = new Map([...boxes].map(([id, b]) => [id, { ...b }]));
  const g = cur.get(grown);
  const moved = new Map<string, { x: number; y: number }>();
  if (!g) return moved;
  const old: Box = { ...g, width: before.width, height: before.height };
  const queue: string[] = [grown];
  const pushed = new Set<string>([grown]);
  while (queue.length) {
    const id = queue.shift()!;
    const a = cur.get(id)!;
    for (const [other, b] of cur) {
      if (pushed.has(other) || !overlaps(a, b)) continue;
      // Only what the growth caused: a box already under the grown node's old footprint stays.
      if (id === grown && overlaps(old, b)) continue;
      const dx = a.x + a.width + NODE_GAP - b.x;
      const dy = a.y + a.height + NODE_GAP - b.y;
      // Nodes to the right (starting right of a's left edge) go right or down; others only down.
      const right = b.x > a.x && dx <= dy;
      if (right) b.x += dx;
      else b.y += dy;
      moved.set(other, { x: Math.round(b.x), y: Math.round(b.y) });
      pushed.add(other);
      queue.push(other);
    }
  }
  return moved;
}
