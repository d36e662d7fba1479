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

  it('drops the prepared images once an image wire changes, and keeps the findings of unchanged nodes', () => {
    const { doc, check } = setup();
    const rewired = produce(doc, (d: Workflow) => void d.edges.pop()); // Inpaint → Output
    expect(pixelCheckFor(rewired, check)).toEqual({ images: undefined, diagnostics: check.diagnostics });
  });

  it("drops a node's findings (and the prepared images) once its own image or invert flag changes", () => {
    const { doc, check, mask } = setup();
    const changes: ((d: Workflow) => void)[] = [
      (d) => void (d.nodes.find((n) => n.id === mask)!.params.image = 'data:image/png;base64,CCCC'),
      (d) => void (d.nodes.find((n) => n.id === mask)!.params.invert = true),
    ];
    for (const change of changes)
      expect(pixelCheckFor(produce(doc, change), check)).toEqual({ images: undefined, diagnostics: [] });
  });

  it('a finding never moves to a node of another document that has the same id', () => {
    const { check, mask } = setup();
    const other = setup().doc; // same ids, same images ...
    const otherWithNewMask = produce(other, (d: Workflow) => {
      d.nodes.find((n) => n.id === mask)!.params.image = 'data:image/png;base64,DDDD'; // ... but not this one
    });
    expect(pixelCheckFor(otherWithNewMask, check).diagnostics).toEqual([]);
  });

  it('a wire that does not carry an image (an image prompt) keeps the prepared images', () => {
    const { doc, check } = setup();
    const withPromptWire = produce(doc, (d: Workflow) => {
      d.edges.push({
        id: 'x',
        source: 'a',
        sourceHandle: 'imagePrompt',
        target: 'b',
        targetHandle: 'imagePrompts',
      });
    });
    expect(pixelCheckFor(withPromptWire, check).images).toBe(check.images);
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
