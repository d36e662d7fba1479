/** Provenance, seeds, wires the editor would refuse, and other rules outside the golden set. */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { compileChecked, findDiag, img } from './helpers.ts';

function varyWithPrompt(seed = -1): Workflow {
  const b = new GraphBuilder();
  const s = b.add('inputImage', { image: img('src') });
  const v = b.add('vary', { method: 'Vary (Strong)' });
  const ref = b.add('inputImage', { image: img('ref') });
  const ip = b.add('imagePrompt', { cn_type: 'PyraCanny', cn_stop: 0.7, cn_weight: 1 });
  b.add('promptSettings', { image_seed: seed, prompt: 'x' });
  b.wire(s, v).wire(ref, ip).wire(ip, v, 'imagePrompts').wire(v, b.add('output'));
  return b.build('p');
}

describe('provenance', () => {
  it('traces each request field to the node (and param) it came from', () => {
    const r = compileChecked(varyWithPrompt(7));
    expect(r.provenance.uov_method).toEqual([{ nodeId: 'vary-1', param: 'method' }]);
    expect(r.provenance.uov_input_image).toEqual([{ nodeId: 'inputImage-1', param: 'image' }]);
    expect(r.provenance.image_seed).toEqual([{ nodeId: 'promptSettings-1', param: 'image_seed' }]);
    expect(r.provenance['controlnet_image.0.cn_weight']).toEqual([
      { nodeId: 'imagePrompt-1', param: 'cn_weight' },
    ]);
    expect(r.provenance['controlnet_image.0.cn_img']).toEqual([{ nodeId: 'inputImage-2', param: 'image' }]);
    expect(r.provenance.mixing_image_prompt_and_vary_upscale!.map((p) => p.nodeId).sort()).toEqual([
      'imagePrompt-1',
      'vary-1',
    ]);
    // Every emitted top-level field has a source.
    for (const field of Object.keys(r.request)) expect(r.provenance[field], field).toBeDefined();
  });
});

describe('seeds', () => {
  it('an explicit seed is sent as is', () => {
    expect(compile(varyWithPrompt(123)).request.image_seed).toBe(123);
  });

  it('a random seed (-1) uses the caller’s seed, else a stable one in the JSON-safe range', () => {
    const wf = varyWithPrompt(-1);
    expect(compile(wf, { seed: 555 }).request.image_seed).toBe(555);
    const a = compile(wf).request.image_seed!;
    expect(compile(wf).request.image_seed).toBe(a);
    expect(Number.isSafeInteger(a) && a >= 0).toBe(true);
  });
});

describe('wires the editor refuses, found in a hand-edited file', () => {
  it('a mask wire into an image input is an error on the target with a fix', () => {
    const b = new GraphBuilder();
    const m = b.add('mask', { image: img('m') });
    const s = b.add('promptSettings');
    const v = b.add('vary');
    b.wire(s, v).wire(m, v, 'image', 'mask').wire(v, b.add('output'));
    const r = compileChecked(b.build('x'));
    const d = r.diagnostics.find((x) => x.code === 'S-bad-wire' || x.code === 'S-two-wires');
    expect(d?.severity).toBe('error');
    expect(d?.nodeId).toBe(v);
  });

  it('an image prompt fed by a generated image is refused with the reason', () => {
    const b = new GraphBuilder();
    const s = b.add('promptSettings');
    const ip = b.add('imagePrompt');
    b.wire(s, ip).wire(ip, s, 'imagePrompts').wire(s, b.add('output'));
    const r = compileChecked(b.build('x'));
    const d = findDiag(r.diagnostics, 'S-bad-wire', ip);
    expect(d?.message.en).toMatch(/uploaded image/);
  });

  it('wires to nodes that are not in the workflow are never reported on phantom nodes', () => {
    const b = new GraphBuilder();
    const s = b.add('promptSettings');
    b.wire(s, b.add('output'));
    const wf = b.build('x');
    wf.edges.push(
      { id: 'd1', source: s, sourceHandle: 'image', target: 'ghost', targetHandle: 'image' },
      { id: 'd2', source: 'ghost', sourceHandle: 'image', target: 'ghost', targetHandle: 'image' },
    );
    const r = compileChecked(wf);
    const ids = new Set(wf.nodes.map((n) => n.id));
    expect(r.diagnostics.filter((d) => d.nodeId !== undefined && !ids.has(d.nodeId))).toEqual([]);
  });
});

describe('structure', () => {
  it('no Output: an error without a node, and an empty plan', () => {
    const b = new GraphBuilder();
    b.add('promptSettings');
    const r = compileChecked(b.build('x'));
    expect(findDiag(r.diagnostics, 'S-no-output')?.severity).toBe('error');
    expect(r.plan.images.count).toBe(0);
  });

  it('an empty workflow compiles to nothing to run, without errors', () => {
    const r = compileChecked(new GraphBuilder().build('empty'));
    expect(r.diagnostics).toEqual([]);
    expect(r.plan.stages).toEqual([]);
  });

  it('a cycle is reported, not looped on', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: img('a') });
    const v = b.add('vary');
    const u = b.add('upscale');
    const o = b.add('output');
    b.wire(i, v).wire(v, u).wire(u, v).wire(u, o);
    const r = compileChecked(b.build('x'));
    expect(findDiag(r.diagnostics, 'S-cycle')?.severity).toBe('error');
  });

  it('a second Prompt & Settings node is a G-14 error on it', () => {
    const b = new GraphBuilder();
    const s = b.add('promptSettings');
    b.add('promptSettings');
    b.wire(s, b.add('output'));
    expect(findDiag(compileChecked(b.build('x')).diagnostics, 'G-14', 'promptSettings-2')?.severity).toBe(
      'error',
    );
  });

  it('notes are ignored by the compiler', () => {
    const b = new GraphBuilder();
    const s = b.add('promptSettings', { image_seed: 1 });
    b.wire(s, b.add('output'));
    const plain = compile(b.build('x'));
    b.add('note', { text: 'hello' });
    const withNote = compile(b.build('x'));
    expect(withNote.request).toEqual(plain.request);
    expect(withNote.diagnostics).toEqual(plain.diagnostics);
  });

  it('a main-pass Fast 2x upscale forced into the main pass before more steps is a G-9 error', () => {
    const b = new GraphBuilder();
    const i = b.add('inputImage', { image: img('a') });
    const u = b.add('upscale', { method: 'Upscale (Fast 2x)', runIn: 'main' });
    const r = b.add('enhanceRegion', { enhance_mask_dino_prompt: 'face' });
    b.wire(i, u).wire(u, r).wire(r, b.add('output'));
    const d = findDiag(compileChecked(b.build('x')).diagnostics, 'G-9', u);
    expect(d).toMatchObject({ severity: 'error', field: 'runIn' });
    expect(d?.fix?.edits).toEqual([{ op: 'setParam', nodeId: u, param: 'runIn', value: 'enhance' }]);
  });

  it('"final image only" with the last region on sam warns it may return 0 images (G-21)', () => {
    const b = new GraphBuilder();
    const s = b.add('promptSettings');
    const r = b.add('enhanceRegion', { enhance_mask_dino_prompt: 'face' });
    const o = b.add('output', { save_final_enhanced_image_only: true });
    b.wire(s, r).wire(r, o);
    const res = compileChecked(b.build('x'));
    expect(findDiag(res.diagnostics, 'G-21', o)?.severity).toBe('warning');
    expect(res.request.save_final_enhanced_image_only).toBe(true);
    expect(res.plan.images).toMatchObject({ count: 1, min: 0 });
  });
});
