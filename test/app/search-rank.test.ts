import { NODE_KINDS, getKind } from '../../nodes/registry.ts';
import { rankKind } from '../../app/panels/search-rank.ts';

const best = (q: string) =>
  Object.keys(NODE_KINDS)
    .map((k) => ({ k, s: rankKind(getKind(k)!, q) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s)[0]?.k;

describe('node search ranking', () => {
  it.each([
    ['mask', 'mask'],
    ['output', 'output'],
    ['image prompt', 'imagePrompt'],
    ['prompt', 'promptSettings'],
    ['蒙版', 'mask'],
    ['输出', 'output'],
    ['图像提示', 'imagePrompt'],
    ['outpaint', 'inpaint'],
    ['扩图', 'inpaint'],
    ['face', 'enhanceRegion'],
    ['upload', 'inputImage'],
    ['controlnet', 'imagePrompt'],
  ])('"%s" puts %s first', (q, kind) => {
    expect(best(q)).toBe(kind);
  });

  it('ranks a title match over an alias over help text', () => {
    const mask = getKind('mask')!;
    const input = getKind('inputImage')!;
    // "mask" is Mask's title, and only in the Input Image's help text.
    expect(rankKind(mask, 'mask')).toBeGreaterThan(rankKind(input, 'mask'));
    expect(rankKind(input, 'mask')).toBeGreaterThan(0);
    // An alias ("reference") beats help text.
    expect(rankKind(getKind('imagePrompt')!, 'reference')).toBeGreaterThan(rankKind(input, 'reference'));
  });

  it('needs every word somewhere', () => {
    expect(rankKind(getKind('mask')!, 'mask zebra')).toBe(0);
  });
});
