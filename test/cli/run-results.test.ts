/**
 * What `fooocus-flow run` saves and says about its results: files named after the step that made
 * them, regions that detected nothing shown plainly (and never guessed), the templates' exposed
 * parameters, and the command-line hint for a missing image.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { runCommand } from '../../cli/run.ts';
import { mapResults } from '../../cli/run-output.ts';
import { compile } from '../../compiler/compile.ts';
import { TEMPLATES, getTemplate } from '../../compiler/authoring/templates.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { captureIo, listDir, removeTempDirs, tempDir, writePng, writeTemplate } from './run-helpers.ts';

let sim: SimEngine;
beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 10 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  await removeTempDirs();
});

async function writeWorkflow(dir: string, wf: Workflow, name = 'wf.json'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, serializeWorkflow(wf));
  return path;
}

/** The enhance template with other detection words ("mouse" is the document's; the simulator finds "mouth"). */
function enhanceChain(words: string[]): Workflow {
  const wf = getTemplate('enhance-chain')!.build();
  const regions = wf.nodes.filter((n) => n.kind === 'enhanceRegion');
  regions.forEach((n, i) => (n.params.enhance_mask_dino_prompt = words[i]));
  return wf;
}

async function run(dir: string, file: string, args: string[]) {
  const out = join(dir, 'out');
  const io = captureIo();
  const code = await runCommand([file, '--api', sim.url, '--out', out, ...args], io);
  const files = code === 0 ? await listDir(out) : [];
  const record =
    code === 0 ? (JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as Record<string, unknown>) : {};
  return { code, err: io.stderr.text, out, files, record };
}

describe('skipped regions and file names', () => {
  it('the enhance example: "mouse" finds nothing; 3 of up to 4 images, said plainly, files not guessed', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'enhance-chain');
    const png = await writePng(dir);
    const r = await run(dir, file, ['--input', `image=${png}`]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      'expected up to 4 images, got 3: 1 Enhance Region detected nothing and was skipped (sam regions: "face", "mouse", "eye").',
    );
    expect(r.err).toMatch(
      /mapping of files to steps is ambiguous: the files are numbered in the order received/,
    );
    // Not claimed: which region was skipped.
    expect(r.err).not.toMatch(/"mouse" was skipped|likely "mouse"/);
    expect(r.files).toEqual(['01.png', '02.png', '03.png', 'run.json']);
    const files = r.record.files as { file: string; url: string; step?: { nodeId: string } }[];
    expect(files.map((f) => f.file)).toEqual(['01.png', '02.png', '03.png']);
    expect(files.map((f) => f.url)).toEqual((r.record.task as { result: string[] }).result);
    // The main image always comes first; the rest cannot be told apart.
    expect(files.map((f) => f.step?.nodeId)).toEqual(['vary-1', undefined, undefined]);
    expect(r.record.fileMapping).toBe('ambiguous');
    expect(r.record.resultNote).toMatch(/^expected up to 4 images, got 3: /);
  });

  it('every region finds something: the files are named after their steps', async () => {
    const dir = await tempDir();
    const file = await writeWorkflow(dir, enhanceChain(['face', 'mouth', 'eye']));
    const png = await writePng(dir);
    const r = await run(dir, file, ['--input', `image=${png}`]);
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(/expected up to/);
    expect(r.files).toEqual(['01-vary.png', '02-face.png', '03-mouth.png', '04-eye.png', 'run.json']);
    for (const name of r.files.filter((f) => f.endsWith('.png'))) {
      const meta = await sharp(join(r.out, name)).metadata();
      expect([meta.width, meta.height]).toEqual([1216, 832]);
    }
    expect(r.record.fileMapping).toBe('by-step');
    expect((r.record.files as { step: { label: string } }[]).map((f) => f.step.label)).toEqual([
      'Vary (Strong)',
      'Enhance region #1: face',
      'Enhance region #2: mouth',
      'Enhance region #3: eye',
    ]);
    expect(r.record).not.toHaveProperty('resultNote');
  });

  it('when every region that could be skipped was, the mapping is known and the region named', async () => {
    const dir = await tempDir();
    const b = new GraphBuilder();
    b.add('promptSettings');
    const img = b.add('inputImage', {}, 'Portrait');
    const vary = b.add('vary', { method: 'Vary (Strong)' });
    const region = b.add('enhanceRegion', { enhance_mask_dino_prompt: 'mouse' });
    b.wire(img, vary).wire(vary, region).wire(region, b.add('output'));
    const wf = b.build('One region');
    wf.exposed = [{ nodeId: img, param: 'image', name: 'image' }];
    const file = await writeWorkflow(dir, wf);
    const r = await run(dir, file, ['--input', `image=${await writePng(dir)}`]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      'expected up to 2 images, got 1: 1 Enhance Region detected nothing and was skipped ("mouse").',
    );
    expect(r.files).toEqual(['01-vary.png', 'run.json']);
    expect(r.record.fileMapping).toBe('by-step');
  });

  it('maps N main images and their enhance outputs in the API order (unit)', () => {
    const wf = enhanceChain(['face', 'mouth', 'eye']);
    for (const n of wf.nodes) {
      if (n.kind === 'inputImage') n.params.image = 'data:image/png;base64,AA';
      if (n.kind === 'promptSettings') n.params.image_number = 2;
    }
    const { plan } = compile(wf);
    expect(plan.images.count).toBe(8);
    const urls = (k: number) => Array.from({ length: k }, (_, i) => `http://h/outputs/d/${i}.png`);
    const all = mapResults(urls(8), plan, wf, 2);
    expect(all.mapping).toBe('by-step');
    expect(all.files.map((f) => f.file)).toEqual([
      '01-vary.png',
      '02-vary.png',
      '03-face.png',
      '04-mouth.png',
      '05-eye.png',
      '06-face.png',
      '07-mouth.png',
      '08-eye.png',
    ]);
    expect(all.files.map((f) => f.step!.image)).toEqual([1, 2, 1, 1, 1, 2, 2, 2]);
    const short = mapResults(urls(7), plan, wf, 2);
    expect(short.mapping).toBe('ambiguous');
    expect(short.files.map((f) => f.file)).toEqual([
      '01.png',
      '02.png',
      '03.png',
      '04.png',
      '05.png',
      '06.png',
      '07.png',
    ]);
    expect(short.files.map((f) => f.step?.image)).toEqual([
      1,
      2,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(short.note).toMatch(
      /^expected up to 8 images, got 7: 1 Enhance Region detected nothing and was skipped/,
    );
    // More missing than regions could skip: a failure, not a skip; nothing is claimed.
    const failed = mapResults(urls(1), plan, wf, 2);
    expect(failed.note).toMatch(/which steps are missing cannot be told/);
    expect(failed.note).not.toMatch(/detected nothing/);
  });
});

describe('templates run from the command line', () => {
  it('each template exposes its images (Input Image, Mask) and its prompt, under short lowercase names', () => {
    for (const t of TEMPLATES) {
      const wf = t.build();
      const images = wf.nodes.filter((n) => n.kind === 'inputImage' || n.kind === 'mask');
      const exposedImages = wf.exposed.filter((x) => x.param === 'image').map((x) => x.nodeId);
      expect(exposedImages.sort(), t.id).toEqual(images.map((n) => n.id).sort());
      const settings = wf.nodes.find((n) => n.kind === 'promptSettings')!;
      expect(wf.exposed, t.id).toContainEqual({ nodeId: settings.id, param: 'prompt', name: 'prompt' });
      for (const x of wf.exposed) expect(x.name).toMatch(/^[a-z]{1,12}$/);
      expect(new Set(wf.exposed.map((x) => x.name)).size).toBe(wf.exposed.length);
    }
  });

  it('run vary-image-prompt with --input image=… --input reference=… --set prompt=…', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'vary-image-prompt');
    const png = await writePng(dir);
    const ref = await writePng(dir, 'ref.png');
    const r = await run(dir, file, [
      '--input',
      `image=${png}`,
      '--input',
      `reference=${ref}`,
      '--set',
      'prompt=a red barn',
    ]);
    expect(r.err).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(r.files).toEqual(['01-vary.png', 'run.json']);
    expect((r.record.request as { prompt: string }).prompt).toBe('a red barn');
  });

  it('inpaint-image-prompt takes its mask with --input mask=…', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'inpaint-image-prompt');
    const png = await writePng(dir);
    const r = await run(dir, file, [
      '--input',
      `image=${png}`,
      '--input',
      `mask=${png}`,
      '--input',
      `reference=${png}`,
    ]);
    expect(r.err).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(r.files).toEqual(['01-inpaint.png', 'run.json']);
  });

  it('a missing image says which --input fills it (and, when not exposed, that it is not)', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'vary-image-prompt');
    const missing = await run(dir, file, []);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(
      /^error S-no-image \[inputImage-1 "Image to vary"\.image\]: Image to vary has no image: use --input image=FILE/m,
    );
    expect(missing.err).toMatch(/Reference has no image: use --input reference=FILE/);
    expect(missing.err).not.toMatch(/drop or paste/);

    const wf = getTemplate('vary-image-prompt')!.build();
    wf.exposed = [];
    const notExposed = await run(dir, await writeWorkflow(dir, wf, 'hidden.json'), []);
    expect(notExposed.code).toBe(1);
    expect(notExposed.err).toMatch(/Image to vary has no image, and the workflow does not expose it/);
  });
});
