/**
 * Copy as and Export request keep a random seed as -1 (app/run/request-as-sent.ts passes RANDOM_SEED to
 * compile): every request they send, one or each step of a split workflow, says -1, so FooocusAPI draws a
 * fresh seed per call as Run draws one per press; a seed set on Prompt & Settings is sent as set.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { TEMPLATES } from '../../compiler/authoring/templates.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { img } from '../compiler/helpers.ts';

const RANDOM_SEED = -1; // app/run/request-as-sent.ts (not imported: it pulls in IndexedDB)

function upscaleThenInpaint(seed?: number) {
  const b = new GraphBuilder();
  b.add('promptSettings', seed === undefined ? {} : { image_seed: seed });
  const i = b.add('inputImage', { image: img('source'), width: 640, height: 480 });
  const m = b.add('mask', { image: img('mask') });
  const u = b.add('upscale', { method: 'Upscale (2x)' });
  const p = b.add('inpaint');
  b.wire(i, m, 'image').wire(i, u).wire(u, p).wire(m, p, 'mask').wire(p, b.add('output'));
  return { ...b.build('up-inpaint'), overflow: 'steps' as const };
}

describe('a random seed leaves the editor as -1', () => {
  it.each(TEMPLATES.map((t) => [t.id, t] as const))(
    'template %s: -1 kept, a stable preview seed otherwise',
    (_id, t) => {
      const wf = t.build();
      for (const s of compile(wf, { seed: RANDOM_SEED }).steps)
        expect(s.request.image_seed).toBe(RANDOM_SEED);
      for (const s of compile(wf).steps) expect(s.request.image_seed).toBeGreaterThanOrEqual(0);
    },
  );

  it('every step of a split workflow says -1; a fixed seed is every step’s seed', () => {
    const random = compile(upscaleThenInpaint(), { seed: RANDOM_SEED });
    expect(random.steps).toHaveLength(2);
    expect(random.steps.map((s) => s.request.image_seed)).toEqual([-1, -1]);
    const fixed = compile(upscaleThenInpaint(4242), { seed: RANDOM_SEED });
    expect(fixed.steps.map((s) => s.request.image_seed)).toEqual([4242, 4242]);
  });
});
