/**
 * The four request examples of the seed documents (shared/seeds/README.md): each decompiles into
 * the graph the document describes and compiles back to an equivalent request; each template of
 * compiler/templates.ts, with its images filled in, compiles to its seed request.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { decompile } from '../../compiler/decompile.ts';
import { requestDifferences } from '../../compiler/equivalence.ts';
import { IMAGE_FIELDS } from '../../contract/fields.ts';
import { TEMPLATES, getTemplate } from '../../compiler/authoring/templates.ts';
import { indexGraph, inputsOf, type Workflow, type WorkflowNode } from '../../nodes/graph.ts';
import { SEED_NAMES, compileChecked, expectSendable, findDiag, loadSeed, type SeedName } from './helpers.ts';

function decompiled(name: SeedName): Workflow {
  const r = decompile(loadSeed(name));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.workflow;
}

/** The image chain read from Output back to its source: what a user sees as "the pipeline". */
function chainOf(wf: Workflow): WorkflowNode[] {
  const g = indexGraph(wf);
  const out: WorkflowNode[] = [];
  let n = wf.nodes.find((x) => x.kind === 'output');
  while (n) {
    out.unshift(n);
    const e = inputsOf(g, n.id, 'image')[0];
    n = e ? g.node.get(e.source) : undefined;
  }
  return out;
}

function sideInputs(wf: Workflow, nodeId: string, handle: string): WorkflowNode[] {
  const g = indexGraph(wf);
  return inputsOf(g, nodeId, handle).map((e) => g.node.get(e.source)!);
}

const byKind = (wf: Workflow, kind: string) => wf.nodes.filter((n) => n.kind === kind);

describe('seed requests decompile into the graphs the documents describe', () => {
  it('MixImagePrompt #1: Input Image → Vary (Strong) with an Image Prompt (stop 0.5, weight 0.6)', () => {
    const wf = decompiled('vary-image-prompt');
    const chain = chainOf(wf);
    expect(chain.map((n) => n.kind)).toEqual(['inputImage', 'vary', 'output']);
    expect(chain[0]!.params.image).toBe(loadSeed('vary-image-prompt').uov_input_image);
    expect(chain[1]!.params.method).toBe('Vary (Strong)');
    const [ip] = sideInputs(wf, chain[1]!.id, 'imagePrompts');
    expect(ip?.kind).toBe('imagePrompt');
    expect(ip?.params).toMatchObject({ cn_type: 'ImagePrompt', cn_stop: 0.5, cn_weight: 0.6 });
    expect(sideInputs(wf, ip!.id, 'image')[0]?.kind).toBe('inputImage');
    expect(byKind(wf, 'inpaint')).toHaveLength(0);
    expect(byKind(wf, 'enhanceRegion')).toHaveLength(0);
  });

  it('MixImagePrompt #2: Input Image → Inpaint with a Mask and an Image Prompt', () => {
    const wf = decompiled('inpaint-image-prompt');
    const chain = chainOf(wf);
    expect(chain.map((n) => n.kind)).toEqual(['inputImage', 'inpaint', 'output']);
    const [mask] = sideInputs(wf, chain[1]!.id, 'mask');
    expect(mask?.kind).toBe('mask');
    expect(mask?.params.image).toBe(loadSeed('inpaint-image-prompt').inpaint_mask_image_upload);
    const [ip] = sideInputs(wf, chain[1]!.id, 'imagePrompts');
    expect(ip?.params).toMatchObject({ cn_type: 'ImagePrompt', cn_stop: 0.5, cn_weight: 0.6 });
    expect(byKind(wf, 'vary')).toHaveLength(0);
  });

  it('MixImagePrompt #3 (大杂烩): Vary, Inpaint with Mask, and an Image Prompt in one chain', () => {
    const wf = decompiled('vary-inpaint-image-prompt');
    const chain = chainOf(wf);
    expect(chain.map((n) => n.kind)).toEqual(['inputImage', 'vary', 'inpaint', 'output']);
    expect(chain[1]!.params.method).toBe('Vary (Strong)');
    expect(sideInputs(wf, chain[2]!.id, 'mask')[0]?.kind).toBe('mask');
    expect(byKind(wf, 'imagePrompt')).toHaveLength(1);
  });

  it('MixImagePrompt #3 compiles with a G-3 warning on the Vary node explaining what really runs, and ok', () => {
    const wf = decompiled('vary-inpaint-image-prompt');
    const r = compileChecked(wf);
    expect(r.ok).toBe(true);
    const vary = byKind(wf, 'vary')[0]!;
    const g3 = findDiag(r.diagnostics, 'G-3');
    expect(g3?.severity).toBe('warning');
    expect(g3?.nodeId).toBe(vary.id);
    // §1.6: the inpaint overwrites the vary latent; the message must say so.
    expect(g3?.message.en).toMatch(/overwrite/i);
    expect(g3?.message.en).toMatch(/inpaint/i);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('ImageEnhance: Input Image → Vary (Strong) → Enhance "face" → "mouse" → "eye" (the words exactly as written)', () => {
    const wf = decompiled('enhance-chain');
    const chain = chainOf(wf);
    expect(chain.map((n) => n.kind)).toEqual([
      'inputImage',
      'vary',
      'enhanceRegion',
      'enhanceRegion',
      'enhanceRegion',
      'output',
    ]);
    expect(chain[1]!.params.method).toBe('Vary (Strong)');
    expect(chain.slice(2, 5).map((n) => n.params.enhance_mask_dino_prompt)).toEqual(['face', 'mouse', 'eye']);
    for (const r of chain.slice(2, 5)) expect(r.params.enhance_mask_model).toBe('sam');
  });

  it('ImageEnhance plans U + K = 4 images at most with the caveat for skipped detections (§2.3)', () => {
    const r = compileChecked(decompiled('enhance-chain'));
    expect(r.plan.mode).toBe('enhance');
    expect(r.plan.images.count).toBe(4);
    expect(r.plan.images.min).toBe(1);
    expect(r.plan.images.caveat?.en).toMatch(/skip/i);
  });

  it('decompiled graphs are laid out (not all at the origin)', () => {
    for (const name of SEED_NAMES) {
      const wf = decompiled(name);
      const positions = new Set(wf.nodes.map((n) => `${n.position.x},${n.position.y}`));
      expect(positions.size, name).toBe(wf.nodes.length);
    }
  });
});

describe.each(SEED_NAMES)('seed %s round trip', (name) => {
  it('compiles back to an equivalent request that passes the strict schema', () => {
    const seed = loadSeed(name);
    const r = compileChecked(decompiled(name));
    expect(r.ok).toBe(true);
    expect(requestDifferences(seed, r.request)).toEqual([]);
    expectSendable(r.request);
  });

  it('keeps every image string in its own field', () => {
    const seed = loadSeed(name);
    const { request } = compile(decompiled(name));
    for (const f of IMAGE_FIELDS) expect(request[f], f).toEqual(seed[f]);
    const seedSlots = (seed.controlnet_image as { cn_img: string }[] | undefined) ?? [];
    expect((request.controlnet_image ?? []).map((s) => s.cn_img)).toEqual(seedSlots.map((s) => s.cn_img));
  });
});

describe('templates compile to their seed requests', () => {
  const pairs: [string, SeedName][] = [
    ['vary-image-prompt', 'vary-image-prompt'],
    ['inpaint-image-prompt', 'inpaint-image-prompt'],
    ['vary-inpaint-image-prompt', 'vary-inpaint-image-prompt'],
    ['enhance-chain', 'enhance-chain'],
  ];

  /** Fill the template's empty images with the seed's: references get cn_img, masks the mask, the rest the main image. */
  function filled(wf: Workflow, seed: Record<string, unknown>): Workflow {
    const main = [seed.uov_input_image, seed.inpaint_input_image, seed.enhance_input_image].find(
      (x) => typeof x === 'string',
    );
    const ref = (seed.controlnet_image as { cn_img: string }[] | undefined)?.[0]?.cn_img;
    return {
      ...wf,
      nodes: wf.nodes.map((n) => {
        if (n.kind === 'mask')
          return { ...n, params: { ...n.params, image: seed.inpaint_mask_image_upload } };
        if (n.kind !== 'inputImage') return n;
        return { ...n, params: { ...n.params, image: n.label === 'Reference' ? ref : main } };
      }),
    };
  }

  it.each(pairs)('template %s', (id, seedName) => {
    const seed = loadSeed(seedName);
    const template = getTemplate(id)!;
    const r = compileChecked(filled(template.build(), seed));
    expect(r.ok, JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
    expect(requestDifferences(seed, r.request)).toEqual([]);
  });

  it('the combined template warns G-3 on its Vary node', () => {
    const seed = loadSeed('vary-inpaint-image-prompt');
    const wf = filled(getTemplate('vary-inpaint-image-prompt')!.build(), seed);
    const r = compile(wf);
    const vary = wf.nodes.find((n) => n.kind === 'vary')!;
    expect(findDiag(r.diagnostics, 'G-3', vary.id)?.severity).toBe('warning');
  });

  it('every template builds a graph that loads and, with images, compiles without errors', () => {
    for (const t of TEMPLATES) {
      const wf = t.build();
      expect(t.title.en && t.title.zh && t.description.en && t.description.zh, t.id).toBeTruthy();
      const withImages: Workflow = {
        ...wf,
        nodes: wf.nodes.map((n) =>
          n.kind === 'inputImage' || n.kind === 'mask'
            ? { ...n, params: { ...n.params, image: 'data:image/png;base64,AA' } }
            : n,
        ),
      };
      const r = compileChecked(withImages);
      expect(r.ok, `${t.id}: ${JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))}`).toBe(
        true,
      );
    }
  });

  it('a template without images reports the missing images on their nodes', () => {
    const wf = getTemplate('vary-image-prompt')!.build();
    const r = compile(wf);
    expect(r.ok).toBe(false);
    const missing = r.diagnostics.filter((d) => d.code === 'S-no-image').map((d) => d.nodeId);
    expect(missing.sort()).toEqual(
      wf.nodes
        .filter((n) => n.kind === 'inputImage')
        .map((n) => n.id)
        .sort(),
    );
  });
});
