/**
 * Property tests of compile to steps (fast-check), on random chains of every image operation:
 * - a graph that fits one request compiles, with the workflow set to split, to exactly what one
 *   request gives: `steps` is `[today's request]`, same diagnostics;
 * - a graph that does not fit becomes steps whose requests all pass the strict schema, and no rule
 *   reports a node silently dropped or left out (G-3, G-4, G-15, G-16, S-inpaint-position,
 *   S-ignored); every later step takes the previous result in exactly one image field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, compileOneRequest } from '../../compiler/compile.ts';
import { isCutProblem } from '../../compiler/steps/cut-reasons.ts';
import { stepOfResultRef } from '../../compiler/steps/step-ref.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { expectBilingual, expectSendable, img } from './helpers.ts';

const RUNS = Number(process.env.FC_RUNS ?? 150);

type Op =
  | { kind: 'vary'; method: string; ip: boolean }
  | { kind: 'upscale'; method: string; runIn: string; ip: boolean }
  | { kind: 'inpaint'; outpaint: boolean; ip: boolean }
  | { kind: 'enhanceRegion'; word: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('vary' as const),
    method: fc.constantFrom('Vary (Subtle)', 'Vary (Strong)'),
    ip: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('upscale' as const),
    method: fc.constantFrom('Upscale (1.5x)', 'Upscale (2x)', 'Upscale (Fast 2x)'),
    runIn: fc.constantFrom('auto', 'main', 'enhance'),
    ip: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('inpaint' as const), outpaint: fc.boolean(), ip: fc.boolean() }),
  fc.record({ kind: fc.constant('enhanceRegion' as const), word: fc.constantFrom('face', 'eye', 'hand') }),
);

const chainArb = fc.record({
  t2i: fc.boolean(),
  imageNumber: fc.integer({ min: 1, max: 3 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 7 }),
  finalOnly: fc.boolean(),
});

function build(c: ChainSpec): Workflow {
  const b = new GraphBuilder();
  const settings = b.add('promptSettings', { image_number: c.imageNumber, prompt: 'a cat' });
  const src = c.t2i ? settings : b.add('inputImage', { image: img('src'), width: 640, height: 480 });
  let prev = src;
  c.ops.forEach((op, i) => {
    let id: string;
    if (op.kind === 'vary') id = b.add('vary', { method: op.method });
    else if (op.kind === 'upscale') id = b.add('upscale', { method: op.method, runIn: op.runIn });
    else if (op.kind === 'inpaint') {
      id = b.add('inpaint', op.outpaint ? { outpaint_selections: ['Right'] } : {});
      if (!op.outpaint) b.wire(b.add('mask', { image: img(`mask-${i}`) }), id, 'mask');
    } else id = b.add('enhanceRegion', { enhance_mask_dino_prompt: op.word });
    // An image prompt on an upscale forced into the enhance stage is the user's own contradiction
    // (G-4 on that node alone), which no cut can solve.
    const forcedLate = op.kind === 'upscale' && op.runIn === 'enhance';
    if ('ip' in op && op.ip && !forcedLate) {
      const ip = b.add('imagePrompt', { cn_stop: 0.9 });
      b.wire(b.add('inputImage', { image: img(`ref-${i}`) }), ip).wire(ip, id, 'imagePrompts');
    }
    b.wire(prev, id);
    prev = id;
  });
  b.wire(prev, b.add('output', { save_final_enhanced_image_only: c.finalOnly }));
  return { ...b.build('random chain'), overflow: 'steps' };
}

type ChainSpec = typeof chainArb extends fc.Arbitrary<infer T> ? T : never;

const DROPPED = new Set(['G-3', 'G-4', 'G-15', 'G-16', 'S-inpaint-position', 'S-ignored']);

describe('compile to steps, random chains', () => {
  it('fits one request → exactly today’s request; else every step is sendable and nothing is dropped', () => {
    let split = 0;
    fc.assert(
      fc.property(chainArb, fc.integer({ min: 0, max: 2 ** 32 }), (c, seed) => {
        const wf = build(c);
        const one = compileOneRequest(wf, { seed });
        const r = compile(wf, { seed });
        expectBilingual(r.diagnostics);
        for (const s of r.steps) expectSendable(s.request);
        if (!one.diagnostics.some(isCutProblem)) {
          expect(r).toEqual(one);
          expect(r.steps.map((s) => s.request)).toEqual([one.request]);
          return;
        }
        if (r.steps.length === 1) {
          // Nothing a cut could solve (each problem is the node's own): the one request as is.
          expect(r).toEqual(one);
          return;
        }
        split++;
        for (const d of r.diagnostics) expect(DROPPED.has(d.code), `${d.code} ${d.message.en}`).toBe(false);
        r.steps.forEach((s, i) => {
          const refs = Object.values(s.request).filter((v) => stepOfResultRef(v) !== null);
          expect(refs).toEqual(i === 0 ? [] : [`fooocus-flow:step-result:${i}`]);
          if (i > 0) expect(s.input).toMatchObject({ fromStep: i - 1 });
          if (i > 0) expect(s.request.image_number).toBe(1);
        });
        expect(r.ok).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
      }),
      { numRuns: RUNS },
    );
    // The generator reaches the interesting case often enough to mean something.
    expect(split).toBeGreaterThan(RUNS / 10);
  });
});
