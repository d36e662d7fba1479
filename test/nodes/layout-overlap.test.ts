import { overlappingPairs, pushApart, type Box } from '../../nodes/layout-overlap.ts';

const boxes = (o: Record<string, Box>) => new Map(Object.entries(o));
const apply = (b: Map<string, Box>, moves: Map<string, { x: number; y: number }>) =>
  new Map([...b].map(([id, box]) => [id, { ...box, ...(moves.get(id) ?? {}) }]));

describe('pushApart', () => {
  it('moves the node below a grown node down, and the one below that', () => {
    const b = boxes({
      a: { x: 0, y: 0, width: 260, height: 300 }, // grew from 150
      b: { x: 0, y: 190, width: 260, height: 150 },
      c: { x: 0, y: 380, width: 260, height: 100 },
      far: { x: 600, y: 0, width: 260, height: 150 },
    });
    const moves = pushApart(b, 'a', { width: 260, height: 150 });
    expect(moves.has('far')).toBe(false);
    expect(moves.get('b')!.y).toBeGreaterThanOrEqual(300);
    expect(overlappingPairs(apply(b, moves))).toEqual([]);
  });

  it('moves a neighbour to the right when that is the shorter way', () => {
    const b = boxes({
      a: { x: 0, y: 0, width: 320, height: 150 }, // grew from 260 wide
      r: { x: 300, y: 0, width: 260, height: 400 },
    });
    const moves = pushApart(b, 'a', { width: 260, height: 150 });
    expect(moves.get('r')!.x).toBeGreaterThanOrEqual(320);
    expect(moves.get('r')!.y).toBe(0);
  });

  it('leaves boxes that already overlapped before the growth alone', () => {
    const b = boxes({
      a: { x: 0, y: 0, width: 260, height: 300 },
      placed: { x: 10, y: 10, width: 100, height: 100 },
    });
    expect(pushApart(b, 'a', { width: 260, height: 150 }).size).toBe(0);
  });
});
