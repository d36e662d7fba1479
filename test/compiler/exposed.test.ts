/**
 * Exposed parameters filled from the command line: `--input NAME=FILE` only for image params,
 * `--set NAME=VALUE` for the others (an image by --set only as a URL), each mistake said in words.
 */
import { describe, expect, it } from 'vitest';
import { applyExposed } from '../../compiler/exposed.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { img } from './helpers.ts';

function exposedWorkflow(): Workflow {
  const b = new GraphBuilder();
  const photo = b.add('inputImage', { image: img('old'), width: 640, height: 480 });
  const vary = b.add('vary', { method: 'Vary (Subtle)' });
  const settings = b.add('promptSettings', { prompt: 'old prompt' });
  const mask = b.add('mask', { image: img('mask') });
  b.wire(photo, vary).wire(vary, b.add('output'));
  const wf = b.build('exposed');
  wf.exposed = [
    { nodeId: photo, param: 'image', name: 'photo' },
    { nodeId: settings, param: 'prompt', name: 'prompt' },
    { nodeId: settings, param: 'image_number', name: 'n' },
    { nodeId: mask, param: 'image', name: 'mask' },
  ];
  return wf;
}

const params = (wf: Workflow, kind: string) => wf.nodes.find((n) => n.kind === kind)!.params;

describe('applyExposed', () => {
  it('fills images from --input and text/numbers from --set', () => {
    const r = applyExposed(exposedWorkflow(), {
      inputs: { photo: img('new'), mask: img('new mask') },
      set: { prompt: 'a calm face', n: '3' },
    });
    expect(r.errors).toEqual([]);
    expect(params(r.workflow, 'inputImage')).toMatchObject({ image: img('new'), width: null, height: null });
    expect(params(r.workflow, 'mask').image).toBe(img('new mask'));
    expect(params(r.workflow, 'promptSettings')).toMatchObject({ prompt: 'a calm face', image_number: 3 });
  });

  it('--input must target an image param', () => {
    const r = applyExposed(exposedWorkflow(), { inputs: { prompt: img('photo') } });
    expect(r.errors).toEqual([
      expect.stringMatching(
        /^--input prompt: prompt is Prompt & Settings "prompt" .*not an image; use --set prompt=VALUE$/,
      ),
    ]);
    expect(params(r.workflow, 'promptSettings').prompt).toBe('old prompt');
  });

  it('--set on an image param says to use --input NAME=FILE (a URL is still accepted)', () => {
    const r = applyExposed(exposedWorkflow(), { set: { photo: '/home/me/portrait.png' } });
    expect(r.errors).toEqual([
      expect.stringMatching(/^--set photo: photo is an image .*use --input photo=FILE/),
    ]);
    const url = applyExposed(exposedWorkflow(), { set: { photo: 'https://example.com/me.png' } });
    expect(url.errors).toEqual([]);
    expect(params(url.workflow, 'inputImage')).toMatchObject({
      image: 'https://example.com/me.png',
      width: null,
      height: null,
    });
  });

  it('an unknown name lists the exposed ones and suggests a close one', () => {
    const r = applyExposed(exposedWorkflow(), { set: { promt: 'x' } });
    expect(r.errors).toEqual([
      '"promt" is not an exposed parameter of this workflow (exposed: photo, prompt, n, mask); did you mean "prompt"?',
    ]);
  });

  it('a value of the wrong type is refused with the param named', () => {
    const r = applyExposed(exposedWorkflow(), { set: { n: 'many' } });
    expect(r.errors).toEqual([expect.stringMatching(/^n \(promptSettings-1\.image_number\): /)]);
  });
});
