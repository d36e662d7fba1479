/** checkConnection: every refusal comes with a reason in words (both languages), never a bare false. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../nodes/build.ts';
import { checkConnection, compatibleInputs, type ConnectionVerdict } from '../../nodes/connection.ts';

function graph() {
  const b = new GraphBuilder();
  const img = b.add('inputImage', { image: 'data:image/png;base64,AA' });
  const vary = b.add('vary');
  const up = b.add('upscale');
  const mask = b.add('mask');
  const ip = b.add('imagePrompt');
  const inpaint = b.add('inpaint');
  const settings = b.add('promptSettings');
  const out = b.add('output');
  b.wire(img, vary).wire(vary, up).wire(up, out).wire(img, ip);
  return { wf: b.build('t'), img, vary, up, mask, ip, inpaint, settings, out };
}

function refused(v: ConnectionVerdict): { en: string; zh: string } {
  expect(v.ok).toBe(false);
  if (v.ok) throw new Error('accepted');
  expect(v.reason.en.trim()).not.toBe('');
  expect(v.reason.zh.trim()).not.toBe('');
  return v.reason;
}

describe('checkConnection refuses with a reason', () => {
  it('type mismatch: a mask into an image input', () => {
    const { wf, mask, inpaint } = graph();
    const r = refused(
      checkConnection(wf, { source: mask, sourceHandle: 'mask', target: inpaint, targetHandle: 'image' }),
    );
    expect(r.en).toMatch(/type mismatch/i);
    expect(r.en).toMatch(/mask/);
  });

  it('type mismatch: an image into the image-prompt input', () => {
    const { wf, img, vary } = graph();
    const r = refused(
      checkConnection(wf, { source: img, sourceHandle: 'image', target: vary, targetHandle: 'imagePrompts' }),
    );
    expect(r.en).toMatch(/type mismatch/i);
  });

  it('an image prompt needs an uploaded image, not a generated one', () => {
    const { wf, vary, ip } = graph();
    const r = refused(
      checkConnection(wf, { source: vary, sourceHandle: 'image', target: ip, targetHandle: 'image' }),
    );
    expect(r.en).toMatch(/uploaded image/);
  });

  it('a mask is painted over an uploaded image only', () => {
    const { wf, vary, mask } = graph();
    const r = refused(
      checkConnection(wf, { source: vary, sourceHandle: 'image', target: mask, targetHandle: 'image' }),
    );
    expect(r.en).toMatch(/Input Image/);
  });

  it('a cycle', () => {
    const { wf, up, vary } = graph();
    const r = refused(
      checkConnection(wf, { source: up, sourceHandle: 'image', target: vary, targetHandle: 'image' }),
    );
    expect(r.en).toMatch(/loop/i);
  });

  it('a node into itself', () => {
    const { wf, vary } = graph();
    const r = refused(
      checkConnection(wf, { source: vary, sourceHandle: 'image', target: vary, targetHandle: 'image' }),
    );
    expect(r.en).toMatch(/itself/i);
  });

  it('a duplicate wire', () => {
    const { wf, img, vary } = graph();
    const r = refused(
      checkConnection(wf, { source: img, sourceHandle: 'image', target: vary, targetHandle: 'image' }),
    );
    expect(r.en).toMatch(/already connected/i);
  });

  it('unknown handles and missing nodes', () => {
    const { wf, img, vary } = graph();
    expect(
      refused(checkConnection(wf, { source: img, sourceHandle: 'nope', target: vary, targetHandle: 'image' }))
        .en,
    ).toMatch(/"nope"/);
    expect(
      refused(
        checkConnection(wf, { source: img, sourceHandle: 'image', target: vary, targetHandle: 'bogus' }),
      ).en,
    ).toMatch(/"bogus"/);
    refused(
      checkConnection(wf, { source: 'ghost', sourceHandle: 'image', target: vary, targetHandle: 'image' }),
    );
  });
});

describe('checkConnection accepts', () => {
  it('into an occupied single input, naming the wire it replaces', () => {
    const { wf, settings, out } = graph();
    const held = wf.edges.find((e) => e.target === out && e.targetHandle === 'image')!;
    expect(
      checkConnection(wf, { source: settings, sourceHandle: 'image', target: out, targetHandle: 'image' }),
    ).toEqual({
      ok: true,
      replaces: held.id,
    });
  });

  it('a free single input without replacing anything', () => {
    const { wf, img, mask } = graph();
    expect(
      checkConnection(wf, { source: img, sourceHandle: 'image', target: mask, targetHandle: 'image' }),
    ).toEqual({ ok: true });
  });

  it('a second wire into a multiple input (image prompts) without replacing', () => {
    const b = new GraphBuilder();
    const r1 = b.add('inputImage');
    const r2 = b.add('inputImage');
    const ip1 = b.add('imagePrompt');
    const ip2 = b.add('imagePrompt');
    const s = b.add('promptSettings');
    b.wire(r1, ip1).wire(r2, ip2).wire(ip1, s, 'imagePrompts');
    const wf = b.build('t');
    expect(
      checkConnection(wf, {
        source: ip2,
        sourceHandle: 'imagePrompt',
        target: s,
        targetHandle: 'imagePrompts',
      }),
    ).toEqual({
      ok: true,
    });
  });

  it('compatibleInputs gives a verdict for every input port', () => {
    const { wf, mask, inpaint } = graph();
    const v = compatibleInputs(wf, mask, 'mask', inpaint);
    expect(v.map((x) => x.handle)).toEqual(['image', 'mask', 'imagePrompts']);
    expect(v.find((x) => x.handle === 'mask')!.verdict.ok).toBe(true);
    for (const x of v.filter((y) => !y.verdict.ok)) refused(x.verdict);
  });
});
