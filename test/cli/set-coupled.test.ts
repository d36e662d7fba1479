/**
 * `run --set` goes through the same coupled-field rules as the editor (nodes/set-param.ts): a Method
 * preset sends its engine, strength, respective field and initial latent; an image prompt's type
 * sends its stop and weight.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../cli/run.ts';
import { CN_TYPE_DEFAULTS } from '../../contract/enums.ts';
import { INPAINT_METHODS } from '../../nodes/inpaint-methods.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import { captureIo, nodeOfKind, removeTempDirs, tempDir, writePng, writeTemplate } from './run-helpers.ts';

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

describe('fooocus-flow run --set on coupled fields', () => {
  it('method=improveDetail on an exposed Inpaint sends the preset; cn_type=PyraCanny sends its stop/weight', async () => {
    const dir = await tempDir();
    const file = await writeTemplate(dir, 'inpaint-image-prompt', (wf) => [
      { nodeId: nodeOfKind(wf, 'inputImage', 'Image to inpaint'), param: 'image', name: 'image' },
      { nodeId: nodeOfKind(wf, 'mask'), param: 'image', name: 'mask' },
      { nodeId: nodeOfKind(wf, 'inputImage', 'Reference'), param: 'image', name: 'reference' },
      { nodeId: nodeOfKind(wf, 'inpaint'), param: 'method', name: 'method' },
      { nodeId: nodeOfKind(wf, 'imagePrompt'), param: 'cn_type', name: 'cn_type' },
    ]);
    const png = await writePng(dir);
    const out = join(dir, 'out');
    const io = captureIo();
    const args = [file, '--out', out, '--api', sim.url, '--seed', '7'];
    for (const name of ['image', 'mask', 'reference']) args.push('--input', `${name}=${png}`);
    args.push('--set', 'method=improveDetail', '--set', 'cn_type=PyraCanny');
    expect(await runCommand(args, io)).toBe(0);

    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    const preset = INPAINT_METHODS.improveDetail;
    expect(preset.engine).not.toBe(INPAINT_METHODS.default.engine); // the preset really differs from the default
    expect(run.request).toMatchObject({
      inpaint_engine: preset.engine,
      inpaint_strength: preset.strength,
      inpaint_respective_field: preset.respectiveField,
      inpaint_disable_initial_latent: preset.disableInitialLatent,
    });
    const pyra = CN_TYPE_DEFAULTS.PyraCanny;
    expect(pyra).not.toEqual(CN_TYPE_DEFAULTS.ImagePrompt);
    expect(run.request.controlnet_image[0]).toMatchObject({
      cn_type: 'PyraCanny',
      cn_stop: pyra.stop,
      cn_weight: pyra.weight,
    });
    const inpaint = run.workflow.nodes.find((n: { kind: string }) => n.kind === 'inpaint');
    expect(inpaint.params).toMatchObject({ method: 'improveDetail', inpaint_engine: preset.engine });
  });
});
