import { describe, expect, it } from 'vitest';
import type { PlanStage } from '../../compiler/types.ts';
import { evictionFor } from '../../app/run/gallery-db.ts';
import { isCovered, ownersOf, pathsOf, requestLines, shortValue } from '../../app/lib/request-lines.ts';
import { nextStage, stageForMessage } from '../../app/run/stage-map.ts';

const L = { en: '', zh: '' };
const ENHANCE: PlanStage[] = [
  { stage: 'enhance', nodeId: 'vary', label: L },
  { stage: 'enhance', nodeId: 'r1', label: L },
  { stage: 'enhance', nodeId: 'r2', label: L },
];
const MAIN_THEN_REGIONS: PlanStage[] = [
  { stage: 'main', nodeId: 'inpaint', label: L },
  { stage: 'enhance', nodeId: 'r1', label: L },
  { stage: 'enhance', nodeId: 'r2', label: L },
];

describe('stage map', () => {
  it('maps "Preparing enhancement k/M" to the enhance stages in turn, per image', () => {
    expect(stageForMessage('Preparing enhancement 1/6 ...', ENHANCE)).toEqual([0]);
    expect(stageForMessage('Preparing enhancement 3/6 ...', ENHANCE)).toEqual([2]);
    expect(stageForMessage('Preparing enhancement 4/6 ...', ENHANCE)).toEqual([0]);
    expect(stageForMessage('Preparing enhancement 2/4 ...', MAIN_THEN_REGIONS)).toEqual([2]);
  });
  it('keeps the stage during sampling and starts on the main pass', () => {
    expect(nextStage([], 'Loading models ...', MAIN_THEN_REGIONS, 2)).toEqual([0]);
    expect(nextStage([2], 'Sampling step 3/30, image 1/1 ...', MAIN_THEN_REGIONS, 50)).toEqual([2]);
    expect(nextStage([], 'Sampling step 1/30, image 1/1 ...', ENHANCE, 20)).toEqual([0]);
    expect(nextStage([1], 'Finished', ENHANCE, 100)).toEqual([]);
  });
});

describe('request lines and provenance', () => {
  const req = { prompt: 'a', controlnet_image: [{ cn_img: 'data:image/png;base64,AAAA', cn_weight: 0.6 }] };
  const prov = {
    prompt: [{ nodeId: 'settings', param: 'prompt' }],
    'controlnet_image.0': [{ nodeId: 'ip' }],
    'controlnet_image.0.cn_weight': [{ nodeId: 'ip', param: 'cn_weight' }],
  };
  it('prints one line per leaf with its dotted path', () => {
    const lines = requestLines(req);
    expect(lines.map((l) => l.path)).toContain('controlnet_image.0.cn_weight');
    expect(lines.find((l) => l.path === 'prompt')?.text).toBe('"a",');
  });
  it('shortens inline images', () => {
    expect(shortValue('data:image/png;base64,' + 'A'.repeat(4000))).toMatch(/image\/png, 2\.9 kB/);
  });
  it('finds owners by the nearest enclosing path, and highlights what a node produced', () => {
    expect(ownersOf('controlnet_image.0.cn_img', prov)).toEqual([{ nodeId: 'ip' }]);
    const paths = pathsOf(['ip'], prov);
    expect(isCovered('controlnet_image.0.cn_img', paths)).toBe(true);
    expect(isCovered('prompt', paths)).toBe(false);
  });
});

describe('gallery bound', () => {
  it('drops the oldest runs first until the new one fits, never the new one', () => {
    const runs = [
      { id: 'b', at: 2, bytes: 40 },
      { id: 'a', at: 1, bytes: 40 },
      { id: 'c', at: 3, bytes: 40 },
    ];
    expect(evictionFor(runs, 30, 100)).toEqual(['a', 'b']);
    expect(evictionFor(runs, 10, 200)).toEqual([]);
    expect(evictionFor(runs, 500, 100)).toEqual(['a', 'b', 'c']);
  });
});
