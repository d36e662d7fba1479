/**
 * Golden workflows (test/fixtures/golden/*.json): every mode of the outcome table
 * (fooocus-semantics §1.5) and every stage shape of §5.5, checked for exact request fields,
 * exact diagnostics and the plan. Expected values were written by hand from the docs (cases.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkflowJson } from '../../compiler/workflow-file/index.ts';
import { buildCases, type GoldenCase } from '../fixtures/golden/cases.ts';
import { FIXTURES, compileChecked, effective, keyOf } from './helpers.ts';

const DIR = `${FIXTURES}/golden`;
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const golden: GoldenCase[] = files.map((f) => JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')) as GoldenCase);

describe('golden files', () => {
  it('are the ones cases.ts describes (regenerate with --write after a reviewed change)', () => {
    const built = buildCases();
    expect(files.sort()).toEqual(built.map((c) => `${c.name}.json`).sort());
    for (const c of built) {
      const onDisk = golden.find((g) => g.name === c.name);
      expect(onDisk, c.name).toEqual(JSON.parse(JSON.stringify(c)));
    }
  });

  it('cover every mode of §1.5 and every shape of §5.5', () => {
    const names = new Set(golden.map((g) => g.name));
    for (const n of [
      't2i',
      't2i-image-prompts',
      'vary',
      'upscale-1.5x',
      'upscale-2x',
      'upscale-fast',
      'upscale-custom',
      'vary-image-prompt',
      'inpaint-mask',
      'outpaint',
      'inpaint-image-prompt',
      'vary-inpaint-image-prompt',
      'enhance-input',
      'generated-enhance',
      'vary-enhance-upscale-after',
      'shape-vary-vary',
      'shape-upscale-vary',
      'shape-vary-upscale',
      'shape-three-uov',
      'shape-uov-between-regions',
      'shape-inpaint-vary',
      'shape-generate-inpaint',
      'shape-four-regions',
      'shape-image-prompt-stage-b',
      'shape-branch',
      'shape-two-strengths',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
  });
});

describe.each(golden.map((g) => [g.name, g] as const))('golden %s', (_name, g) => {
  it('loads as a workflow file', () => {
    const parsed = parseWorkflowJson(JSON.parse(JSON.stringify(g.workflow)));
    expect(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors)).toBe(true);
  });

  const result = () => compileChecked(g.workflow);

  it(`compiles ${g.expect.ok ? 'without' : 'with'} errors and with exactly the expected diagnostics`, () => {
    const r = result();
    expect(r.ok).toBe(g.expect.ok);
    const actual = r.diagnostics.map((d) => keyOf(d)).sort();
    expect(actual).toEqual(g.expect.diagnostics.map((d) => keyOf(d)).sort());
    for (const want of g.expect.diagnostics.filter((d) => d.field)) {
      const got = r.diagnostics.find((d) => keyOf(d) === keyOf(want));
      expect(got?.field, keyOf(want)).toBe(want.field);
    }
  });

  it('emits the expected request fields', () => {
    const { request } = result();
    const req = request as Record<string, unknown>;
    for (const [field, value] of Object.entries(g.expect.request)) expect(req[field], field).toEqual(value);
    for (const [field, value] of Object.entries(g.expect.effective ?? {})) {
      expect(effective(request, field as never), field).toEqual(value);
    }
    for (const field of g.expect.absent ?? []) expect(req, field).not.toHaveProperty(field);
    // G-17: never more than 3 enhance entries; exactly 3 whenever any is sent.
    if (request.enhance_ctrls) expect(request.enhance_ctrls).toHaveLength(3);
    // G-20: enhance_checkbox only with an enhance stage that has work.
    if (request.enhance_checkbox) {
      expect(
        request.enhance_ctrls!.some((c) => c.enhance_enabled) ||
          (request.enhance_uov_method ?? 'Disabled') !== 'Disabled',
      ).toBe(true);
    }
    // G-1: image prompts packed from slot 0, every slot filled.
    for (const slot of request.controlnet_image ?? []) expect(slot.cn_img).toMatch(/^data:image\//);
    // G-2: never the inpaint flag without an inpaint image (§1.5 crash row).
    if (request.mixing_image_prompt_and_inpaint) expect(request.inpaint_input_image).toBeTruthy();
  });

  if (g.expect.plan) {
    const plan = g.expect.plan;
    it('plans the expected mode, image count and sizes', () => {
      const r = result();
      if (plan.mode) expect(r.plan.mode).toBe(plan.mode);
      if (plan.images) expect({ count: r.plan.images.count, min: r.plan.images.min }).toEqual(plan.images);
      if (plan.caveat !== undefined) {
        expect(r.plan.images.caveat !== undefined).toBe(plan.caveat);
        if (plan.caveat) {
          expect(r.plan.images.caveat!.en).not.toBe('');
          expect(r.plan.images.caveat!.zh).not.toBe('');
        }
      }
      for (const [id, size] of Object.entries(plan.sizes ?? {})) expect(r.plan.sizes[id], id).toEqual(size);
      if (plan.stages) expect(r.plan.stages.map((s) => [s.stage, s.nodeId])).toEqual(plan.stages);
      expect(r.plan.summary.en).not.toBe('');
      expect(r.plan.summary.zh).not.toBe('');
    });
  }
});
