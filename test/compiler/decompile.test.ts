/**
 * decompile: what it recognises (a workflow is refused, a task record is unwrapped, the server's
 * rewritten req_params and 63-bit seeds are read), and the notes it gives when the graph cannot keep
 * what the request says (preset G-26, more than 3 enhance items G-17, enhance without the checkbox,
 * unknown keys). Every note exists in English and Chinese.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { decompile, decompileText, type DecompileResult } from '../../compiler/decompile.ts';
import { requestDifferences } from '../../compiler/equivalence.ts';
import { laxRequestSchema } from '../../contract/index.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { getTemplate } from '../../compiler/authoring/templates.ts';
import type { LocalText } from '../../nodes/types.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { prepareTask, type SimRequest } from '../../server/sim/prepare.ts';
import { dumpPyJson } from '../../server/sim/pyjson.ts';
import { expectSendable, img } from './helpers.ts';

let dir: string;
let png: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-decompile-'));
  const buf = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#884422' } })
    .png()
    .toBuffer();
  png = `data:image/png;base64,${buf.toString('base64')}`;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function ok(r: DecompileResult): { workflow: Workflow; notes: LocalText[] } {
  expect(r.ok, JSON.stringify(!r.ok && r.errors)).toBe(true);
  if (!r.ok) throw new Error('not ok');
  for (const n of r.notes) {
    expect(n.en.trim()).not.toBe('');
    expect(n.zh, n.en).toMatch(/[\u4e00-\u9fff]/);
  }
  return r;
}

function errorsOf(r: DecompileResult): string[] {
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

const kinds = (wf: Workflow) => wf.nodes.map((n) => n.kind);
const notesText = (notes: LocalText[]) => notes.map((n) => n.en).join('\n');
const node = (wf: Workflow, kind: string) => wf.nodes.find((n) => n.kind === kind)!;

/** What the server stores as req_params for `request` (the simulated engine's own rewrite). */
async function reqParamsOf(request: Record<string, unknown>): Promise<Record<string, unknown>> {
  const full = laxRequestSchema.parse(request) as SimRequest;
  const task = await prepareTask(full, {
    dataDir: dir,
    baseUrl: 'http://127.0.0.1:7866',
    fetchPolicy: { allowRemote: false },
  });
  // Through JSON, as a /tasks reply carries it (the sim's own encoder: floats as 7.0, the bigint seed as its digits).
  return JSON.parse(dumpPyJson(task.reqParams)) as Record<string, unknown>;
}

describe('what decompile accepts', () => {
  it('a Fooocus Flow workflow is refused: it is already a workflow', () => {
    const wf = getTemplate('text-to-image')!.build();
    expect(errorsOf(decompile(JSON.parse(serializeWorkflow(wf))))).toEqual([
      expect.stringMatching(/^format: this is already a workflow .*fooocus-flow compile/),
    ]);
    expect(errorsOf(decompileText(serializeWorkflow(wf)))[0]).toMatch(/already a workflow/);
  });

  it('a task record is unwrapped to its req_params, with a note', () => {
    const record = {
      id: 3,
      task_id: '25ad75a189b3445b8d30f7df29101ed1',
      req_params: { prompt: 'a cat', image_number: 2 },
      in_queue_mills: 1,
      task_status: 'finished',
      result: ['http://127.0.0.1:8888/outputs/2026-01-01/a.png'],
    };
    const r = ok(decompile(record));
    expect(node(r.workflow, 'promptSettings').params).toMatchObject({ prompt: 'a cat', image_number: 2 });
    expect(notesText(r.notes)).toMatch(/task record \(task 25ad75a189b3445b8d30f7df29101ed1\)/);
    // A one-item list (GET /tasks items) and the GET /tasks reply holding one record.
    expect(ok(decompile([record])).workflow).toEqual(r.workflow);
    expect(ok(decompile({ history: [record], current: [], pending: [] })).workflow).toEqual(r.workflow);
  });

  it('lists of records: empty or several are refused with the reason', () => {
    const rec = { task_id: 'a', req_params: { prompt: 'x' } };
    expect(errorsOf(decompile([]))[0]).toMatch(/empty list.*answers \[\] for an unknown id/);
    expect(errorsOf(decompile([rec, rec]))[0]).toMatch(/holds 2 task records; decompile one at a time/);
    expect(errorsOf(decompile({ history: [rec, rec], current: [], pending: [] }))[0]).toMatch(
      /\.history\[0\]/,
    );
    expect(errorsOf(decompile([1, 2]))[0]).toMatch(/expected a JSON object/);
    expect(errorsOf(decompile({ task_id: 'abc', req_params: {} }))).toEqual([
      expect.stringMatching(/^req_params: task abc has no request parameters.*GET \/tasks\/abc/),
    ]);
  });

  it('the server rewritten req_params (flat LoRAs, ×, /inputs/ URLs, 4 slots, 63-bit seed) is converted', async () => {
    const request = {
      prompt: 'a fox',
      aspect_ratios_selection: '896*1152',
      loras: [{ enabled: true, model_name: 'fox.safetensors', weight: 0.8 }],
      uov_method: 'Vary (Subtle)',
      uov_input_image: png,
      mixing_image_prompt_and_vary_upscale: true,
      controlnet_image: [{ cn_img: png, cn_stop: 0.9, cn_weight: 0.75, cn_type: 'FaceSwap' }],
    };
    const params = await reqParamsOf(request);
    // The shape really is the rewritten one.
    expect(params.loras).toHaveLength(15);
    expect(params.aspect_ratios_selection).toBe('896×1152');
    expect(params.uov_input_image).toMatch(/^http:\/\/127\.0\.0\.1:7866\/inputs\/[0-9a-f]{64}\.png$/);
    expect(params.controlnet_image).toHaveLength(4);
    expect(params.save_name).toBeNull();

    const r = ok(decompile(params));
    expect(kinds(r.workflow).sort()).toEqual(
      ['imagePrompt', 'inputImage', 'inputImage', 'output', 'promptSettings', 'vary'].sort(),
    );
    const settings = node(r.workflow, 'promptSettings').params;
    expect(settings.loras).toEqual(request.loras);
    expect(settings.aspect_ratios_selection).toBe('896*1152');
    expect(node(r.workflow, 'imagePrompt').params).toMatchObject({ cn_type: 'FaceSwap', cn_stop: 0.9 });
    expect(notesText(r.notes)).toMatch(
      /rewritten req_params \(LoRAs were a flat list; images are the server’s stored \/inputs\/ files; the size uses ×\).*must still have the files/,
    );
    const back = compile(r.workflow);
    expectSendable(back.request);
    expect(requestDifferences(request, back.request)).toEqual([]);
  });

  it('flat LoRAs equal to the server default decompile to the default (no LoRA field in the graph)', async () => {
    const params = await reqParamsOf({ prompt: 'x' });
    const r = ok(decompile(params));
    expect(node(r.workflow, 'promptSettings').params.loras).toEqual(laxRequestSchema.parse({}).loras);
    expect(requestDifferences({ prompt: 'x' }, compile(r.workflow).request)).toEqual([]);
    // An explicit "no LoRAs" ([] → 5 empty slots) stays "no LoRAs".
    const none = ok(decompile(await reqParamsOf({ prompt: 'x', loras: [] })));
    expect(node(none.workflow, 'promptSettings').params.loras).toEqual([]);
  });

  it('a seed above 2^53−1 is accepted: random in the graph, and the note gives the exact digits', () => {
    const text = '{"prompt":"x","image_seed":8441793560237457123}';
    expect(Number.isSafeInteger(JSON.parse(text).image_seed)).toBe(false);
    const r = ok(decompileText(text));
    expect(node(r.workflow, 'promptSettings').params.image_seed).toBe(-1);
    expect(notesText(r.notes)).toMatch(/image_seed 8441793560237457123 is above 2\^53−1.*-1 \(random\)/);
    // Inside a task record, as GET /tasks/{id} returns it.
    const rec = ok(decompileText(`{"task_id":"t","req_params":${text}}`));
    expect(notesText(rec.notes)).toMatch(/8441793560237457123/);
  });

  it('seeds outside 0…2^63−1 are random on the server too; -1 and safe seeds stay as they are', () => {
    expect(notesText(ok(decompileText('{"image_seed":18446744073709551615}')).notes)).toMatch(
      /outside 0…2\^63−1/,
    );
    expect(notesText(ok(decompile({ image_seed: -5 })).notes)).toMatch(/image_seed -5 is outside/);
    expect(ok(decompile({ image_seed: -1 })).notes).toEqual([]);
    const safe = ok(decompile({ image_seed: Number.MAX_SAFE_INTEGER }));
    expect(node(safe.workflow, 'promptSettings').params.image_seed).toBe(Number.MAX_SAFE_INTEGER);
    expect(safe.notes).toEqual([]);
    expect(node(ok(decompile({ image_seed: '42' })).workflow, 'promptSettings').params.image_seed).toBe(42);
  });

  it('a UTF-8 BOM and an empty file', () => {
    ok(decompileText('\ufeff{"prompt":"x"}'));
    expect(errorsOf(decompileText(''))[0]).toMatch(/empty/);
    expect(errorsOf(decompileText('{'))[0]).toMatch(/not valid JSON/);
  });

  it('× or the forced flags alone are not called a rewritten req_params (a user may write them)', () => {
    const r = ok(decompile({ prompt: 'x', aspect_ratios_selection: '896×1152', input_image_checkbox: true }));
    expect(r.notes).toEqual([]);
    expect(node(r.workflow, 'promptSettings').params.aspect_ratios_selection).toBe('896*1152');
    // save_name: null is the server's echo of "not set", but a request may not send it (422).
    expect(errorsOf(decompile({ save_name: null }))[0]).toMatch(/^save_name: expected a string, got null/);
  });

  it('unknown keys give a note (the server ignores them), with "did you mean"', () => {
    const r = ok(decompile({ promtp: 'a cat', image_numbr: 2, zzz_totally_else: 1 }));
    const text = notesText(r.notes);
    expect(text).toMatch(/Unknown field "promtp": the server ignores it; did you mean "prompt"\?/);
    expect(text).toMatch(/"image_numbr".*did you mean "image_number"\?/);
    expect(text).toMatch(/Unknown field "zzz_totally_else": the server ignores it\.$/m);
    expect(r.notes.find((n) => n.en.includes('promtp'))!.zh).toMatch(/是否想写 "prompt"/);
  });

  it('raw base64 images become data URLs; paths and junk the server cannot read are refused', () => {
    const b64 = png.slice(png.indexOf(',') + 1);
    const r = ok(decompile({ uov_method: 'Vary (Strong)', uov_input_image: b64 }));
    expect(node(r.workflow, 'inputImage').params.image).toBe(png);
    expect(errorsOf(decompile({ uov_method: 'Vary (Strong)', uov_input_image: '/inputs/abc.png' }))).toEqual([
      expect.stringMatching(/^uov_input_image: .*path on the server.*http:\/\/HOST:PORT\/inputs\/abc\.png/),
    ]);
    expect(
      errorsOf(decompile({ controlnet_image: [{ cn_img: 'C:\\pics\\a.png' }], image_number: 40 })),
    ).toEqual([
      expect.stringMatching(/^controlnet_image\[0\]\.cn_img: not an image the server can read/),
      'image_number: at most 32, got 40',
    ]);
  });

  it('sizes: W×H and "W H" are read; a letter x is converted with a note; anything else is refused', () => {
    expect(
      node(ok(decompile({ aspect_ratios_selection: '896 1152' })).workflow, 'promptSettings').params,
    ).toMatchObject({ aspect_ratios_selection: '896*1152' });
    const x = ok(decompile({ aspect_ratios_selection: '1152x896' }));
    expect(notesText(x.notes)).toMatch(/letter x, which makes the worker fail/);
    expect(errorsOf(decompile({ aspect_ratios_selection: 'wide' }))[0]).toMatch(
      /^aspect_ratios_selection: "wide" is not a size the worker can read/,
    );
  });

  it('a value a node refuses is an error at its request path, never a throw', () => {
    const r = decompile({
      prompt: 'x',
      enhance_checkbox: true,
      enhance_ctrls: [
        { enhance_enabled: true, enhance_mask_dino_prompt: 'face', enhance_inpaint_engine: 'v9' },
      ],
    });
    expect(errorsOf(r)).toEqual([
      'enhance_ctrls[0].enhance_inpaint_engine: must be one of "None", "v1", "v2.5", "v2.6"; got "v9"',
    ]);
  });
});

describe('notes for what the graph cannot keep', () => {
  it('preset ≠ initial (G-26)', () => {
    const r = ok(decompile({ prompt: 'x', preset: 'anime' }));
    expect(notesText(r.notes)).toMatch(
      /preset "anime".*API default.*adaptive_cfg \(G-26\).*preset "initial"/,
    );
    expect(r.notes[0]!.zh).toMatch(/预设/);
    expect(compile(r.workflow).request).not.toHaveProperty('preset');
    expect(ok(decompile({ prompt: 'x', preset: 'initial' })).notes).toEqual([]);
  });

  it('more than 3 enhance_ctrls (G-17): the server reads the first 3; the 4th is dropped and outpaint_distance lost', () => {
    const item = (word: string, enabled = true) => ({
      enhance_enabled: enabled,
      enhance_mask_dino_prompt: word,
    });
    const r = ok(
      decompile({
        prompt: 'x',
        enhance_checkbox: true,
        enhance_ctrls: [item('face'), item('mouth'), item('eye'), item('hand')],
      }),
    );
    const regions = r.workflow.nodes.filter((n) => n.kind === 'enhanceRegion');
    expect(regions.map((n) => n.params.enhance_mask_dino_prompt)).toEqual(['face', 'mouth', 'eye']);
    expect(notesText(r.notes)).toMatch(/4 items \(4 enabled\).*first 3.*outpaint_distance.*G-17/);
    // The first 3 items are what the server reads, enabled or not: a disabled 1st item does not let the 4th in.
    const gap = ok(
      decompile({
        prompt: 'x',
        enhance_checkbox: true,
        enhance_ctrls: [item('face', false), item('mouth'), item('eye'), item('hand')],
      }),
    );
    expect(
      gap.workflow.nodes
        .filter((n) => n.kind === 'enhanceRegion')
        .map((n) => n.params.enhance_mask_dino_prompt),
    ).toEqual(['mouth', 'eye']);
    expect(notesText(gap.notes)).toMatch(/G-17/);
    // Exactly 3 items: no note.
    const three = ok(
      decompile({ prompt: 'x', enhance_checkbox: true, enhance_ctrls: [item('a'), item('b'), item('c')] }),
    );
    expect(notesText(three.notes)).not.toMatch(/G-17/);
  });

  it('enabled enhance_ctrls or enhance_uov_method without enhance_checkbox: ignored by the server', () => {
    const ctrls = ok(
      decompile({
        prompt: 'x',
        enhance_ctrls: [{ enhance_enabled: true, enhance_mask_dino_prompt: 'face' }],
      }),
    );
    expect(kinds(ctrls.workflow)).not.toContain('enhanceRegion');
    expect(notesText(ctrls.notes)).toMatch(
      /1 enabled enhance_ctrls without enhance_checkbox: the server ignores/,
    );
    const uov = ok(decompile({ prompt: 'x', enhance_uov_method: 'Upscale (2x)' }));
    expect(kinds(uov.workflow)).not.toContain('upscale');
    expect(notesText(uov.notes)).toMatch(/enhance_uov_method "Upscale \(2x\)" without enhance_checkbox/);
    // Disabled items without the checkbox are padding, not worth a note.
    expect(ok(decompile({ prompt: 'x', enhance_ctrls: [{ enhance_enabled: false }] })).notes).toEqual([]);
  });

  it('image prompts after slot 4 are dropped by the server', () => {
    const cn = (i: number) => ({ cn_img: img(`ref${i}`), cn_type: 'ImagePrompt' });
    const r = ok(decompile({ prompt: 'x', controlnet_image: [1, 2, 3, 4, 5].map(cn) }));
    expect(r.workflow.nodes.filter((n) => n.kind === 'imagePrompt')).toHaveLength(4);
    expect(notesText(r.notes)).toMatch(/only the first 4 slots/);
  });
});
