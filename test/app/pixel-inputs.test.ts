import { describe, expect, it } from 'vitest';
import { produce } from 'immer';
import { pixelCheckFor, pixelInputs, type PixelCheck } from '../../app/store/pixel-inputs.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import type { Workflow } from '../../nodes/graph.ts';

/** An inpaint graph and a pixel check made from it. */
function setup() {
  const b = new GraphBuilder();
  const i = b.add('inputImage', { image: 'data:image/png;base64,AAAA' });
  const inp = b.add('inpaint');
  const m = b.add('mask', { image: 'data:image/png;base64,BBBB' });
  b.wire(i, inp).wire(i, m).wire(m, inp, 'mask').wire(inp, b.add('output'));
  b.add('promptSettings');
  const doc = b.build('x');
  const check: PixelCheck = {
    inputs: pixelInputs(doc),
    images: { [m]: { data: 'data:image/png;base64,PREPARED', width: 4, height: 4 } },
    diagnostics: [{ severity: 'warning', code: 'G-5', nodeId: m, message: { en: 'empty', zh: '空' } }],
  };
  return { doc, check, mask: m };
}

describe('pixelCheckFor', () => {
  it('uses the prepared images while images, masks and wires are unchanged', () => {
    const { doc, check } = setup();
    const later = produce(doc, (d: Workflow) => {
      d.nodes.find((n) => n.kind === 'promptSettings')!.params.prompt = 'a cat'; // not pixel work
    });
    expect(pixelCheckFor(later, check).images).toBe(check.images);
  });

  it('drops the prepared images once a mask, its invert flag or a wire changes, and keeps the findings', () => {
    const { doc, check, mask } = setup();
    const changes: ((d: Workflow) => void)[] = [
      (d) => void (d.nodes.find((n) => n.id === mask)!.params.image = 'data:image/png;base64,CCCC'),
      (d) => void (d.nodes.find((n) => n.id === mask)!.params.invert = true),
      (d) => void d.edges.pop(),
    ];
    for (const change of changes) {
      const r = pixelCheckFor(produce(doc, change), check);
      expect(r.images).toBeUndefined();
      expect(r.diagnostics).toEqual(check.diagnostics);
    }
  });

  it('forgets findings about deleted nodes', () => {
    const { doc, check, mask } = setup();
    const without = produce(doc, (d: Workflow) => {
      d.nodes = d.nodes.filter((n) => n.id !== mask);
    });
    expect(pixelCheckFor(without, check).diagnostics).toEqual([]);
    expect(pixelCheckFor(doc, null)).toEqual({ images: undefined, diagnostics: [] });
  });
});
