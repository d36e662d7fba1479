import { compile } from '../../compiler/compile.ts';
import { resultSteps } from '../../compiler/result-steps.ts';
import { TEMPLATES } from '../../compiler/authoring/templates.ts';

const enhance = TEMPLATES.find((t) => t.id === 'enhance-chain')!.build();
const plan = compile(enhance).plan;

describe('resultSteps', () => {
  it('names every image when all planned images came', () => {
    const r = resultSteps(4, plan, enhance, 1);
    expect(r.mapping).toBe('by-step');
    expect(r.steps.map((s) => s?.label.en)).toEqual([
      'Vary (Strong)',
      'Enhance region #1: face',
      'Enhance region #2: mouse',
      'Enhance region #3: eye',
    ]);
    expect(r.steps.map((s) => s?.slug)).toEqual(['vary', 'face', 'mouse', 'eye']);
    expect(r.note).toBeUndefined();
  });

  it('one region found nothing: the note in both languages, the candidates of each later image', () => {
    const r = resultSteps(3, plan, enhance, 1);
    expect(r.mapping).toBe('ambiguous');
    expect(r.note!.en).toContain('1 Enhance Region detected nothing and was skipped');
    expect(r.note!.en).toContain('"mouse"');
    expect(r.note!.zh).toContain('1 个区域增强未检测到内容');
    expect(r.steps[0]?.label.en).toBe('Vary (Strong)');
    expect(r.maybe[1]!.map((s) => s.slug)).toEqual(['face', 'mouse']);
    expect(r.maybe[2]!.map((s) => s.slug)).toEqual(['mouse', 'eye']);
  });

  it('every region found nothing: the rest are certain and the regions are named as skipped', () => {
    const r = resultSteps(1, plan, enhance, 1);
    expect(r.mapping).toBe('by-step');
    expect(r.skipped).toEqual(['face', 'mouse', 'eye']);
    expect(r.steps.map((s) => s?.slug)).toEqual(['vary']);
  });
});
