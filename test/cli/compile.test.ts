/**
 * `fooocus-flow compile | validate | decompile`: stdout/stderr split, --json, exit codes
 * 0 (ok, warnings allowed) / 1 (graph errors) / 2 (unreadable or invalid file, with the JSON path).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestDifferences } from '../../compiler/equivalence.ts';
import { parseWorkflowText, serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { main } from '../../cli/main.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { REPO, captureIO, expectSendable, loadSeed } from '../compiler/helpers.ts';

let dir: string;
let png: string;
let maskPng: string;

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function run(...argv: string[]) {
  const cap = captureIO();
  const code = await main(argv, cap.io);
  return { code, stdout: cap.stdout, stderr: cap.stderr };
}

function varyWorkflow(method = 'Vary (Strong)'): Workflow {
  const b = new GraphBuilder();
  const i = b.add('inputImage', { image: png });
  const v = b.add('vary', { method });
  b.add('promptSettings', { prompt: 'a cat', image_seed: 99 });
  b.wire(i, v).wire(v, b.add('output'));
  return b.build('vary');
}

/** Vary + Inpaint in the main pass: compiles with a G-3 warning, no error. */
function warningWorkflow(): Workflow {
  const b = new GraphBuilder();
  const i = b.add('inputImage', { image: png });
  const v = b.add('vary', { method: 'Vary (Strong)' });
  const inp = b.add('inpaint');
  const m = b.add('mask', { image: maskPng });
  b.wire(i, v).wire(v, inp).wire(i, m).wire(m, inp, 'mask').wire(inp, b.add('output'));
  b.add('promptSettings', { image_seed: 1 });
  return b.build('hodgepodge');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-cli-'));
  const buf = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();
  png = `data:image/png;base64,${buf.toString('base64')}`;
  const m = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#ffffff' } })
    .png()
    .toBuffer();
  maskPng = `data:image/png;base64,${m.toString('base64')}`;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('compile', () => {
  it('prints the request on stdout and diagnostics/summary on stderr, exit 0', async () => {
    const path = await file('vary.json', serializeWorkflow(varyWorkflow()));
    const r = await run('compile', path);
    expect(r.code).toBe(0);
    const request = JSON.parse(r.stdout);
    expectSendable(request);
    expect(request).toMatchObject({
      uov_method: 'Vary (Strong)',
      uov_input_image: png,
      prompt: 'a cat',
      image_seed: 99,
    });
    expect(r.stderr).toMatch(/0 error\(s\)/);
    expect(r.stderr).toMatch(/FooocusAPI mode: vary\/upscale/);
  });

  it('warnings are printed on stderr and still exit 0', async () => {
    const path = await file('warn.json', serializeWorkflow(warningWorkflow()));
    const r = await run('compile', path);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning G-3 \[vary-1/);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('--json prints {steps, request, diagnostics, plan} on stdout', async () => {
    const path = await file('warn2.json', serializeWorkflow(warningWorkflow()));
    const r = await run('compile', path, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['diagnostics', 'plan', 'request', 'steps']);
    // One request (a file without the "split into steps" setting): one step, the same request.
    expect(out.steps).toEqual([{ request: out.request, plan: out.plan }]);
    expect(
      out.diagnostics.some(
        (d: { code: string; severity: string }) => d.code === 'G-3' && d.severity === 'warning',
      ),
    ).toBe(true);
    expect(out.plan.mode).toBe('uov');
    // Prepared sizes reach the plan: 64×48 measured, the inpaint keeps the input size.
    expect(out.plan.sizes['inputImage-1']).toEqual({ width: 64, height: 48 });
    expect(out.plan.sizes['inpaint-1']).toEqual({ width: 64, height: 48 });
  });

  it('graph errors exit 1', async () => {
    const path = await file('disabled.json', serializeWorkflow(varyWorkflow('Disabled')));
    const r = await run('compile', path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error G-5 \[vary-1\.method\]/);
  });

  it('a file that cannot be read exits 2 and says why', async () => {
    const r = await run('compile', join(dir, 'missing.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such file/);
    expect(r.stdout).toBe('');
  });

  it('an invalid workflow exits 2 and names the JSON path', async () => {
    const wf = JSON.parse(serializeWorkflow(varyWorkflow()));
    wf.nodes[1].params.method = 'Vary (Medium)';
    const path = await file('bad.json', JSON.stringify(wf));
    const r = await run('compile', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nodes\[1\] \(vary-1 "Vary"\)\.params\.method: must be one of/);
  });

  it('not JSON exits 2', async () => {
    const path = await file('junk.json', 'this is not json');
    const r = await run('compile', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON/);
  });

  it('a request given to compile exits 2 and points to decompile', async () => {
    const path = await file('request.json', JSON.stringify(loadSeed('vary-image-prompt')));
    const r = await run('compile', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/format: .*decompile/);
  });

  it('an undecodable image is an error on its node (exit 1)', async () => {
    const wf = varyWorkflow();
    wf.nodes.find((n) => n.kind === 'inputImage')!.params.image = 'data:image/png;base64,bm90IGEgcG5n';
    const path = await file('badimg.json', serializeWorkflow(wf));
    const r = await run('compile', path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error S-bad-image \[inputImage-1\.image\]/);
  });

  it('no file argument exits 2 with usage', async () => {
    const r = await run('compile');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage/);
  });
});

describe('validate', () => {
  it('prints diagnostics on stdout; exit 0 with warnings, 1 with errors, 2 for a bad file', async () => {
    const ok = await run('validate', await file('v-warn.json', serializeWorkflow(warningWorkflow())));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/warning G-3/);
    expect(ok.stdout).toMatch(/0 error\(s\), 1 warning\(s\)/);
    const bad = await run('validate', await file('v-err.json', serializeWorkflow(varyWorkflow('Disabled'))));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/error G-5/);
    const broken = await run(
      'validate',
      await file('v-broken.json', '{"format":"fooocus-flow/workflow","version":9}'),
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/version: .*newer/);
  });
});

describe('decompile', () => {
  it('prints a workflow that loads and compiles back to the request', async () => {
    // The seed's localhost URL is swapped for a data URL so the prepare step never touches the network.
    const seed = { ...loadSeed('enhance-chain'), enhance_input_image: png };
    const r = await run('decompile', await file('enhance.json', JSON.stringify(seed)));
    expect(r.code).toBe(0);
    const parsed = parseWorkflowText(r.stdout);
    expect(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors)).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.workflow.name).toBe('enhance');
    const path = await file('enhance-wf.json', r.stdout);
    const back = await run('compile', path, '--json');
    expect(back.code).toBe(0);
    expect(requestDifferences(seed, JSON.parse(back.stdout).request)).toEqual([]);
  });

  it('prints notes on stderr for what the server would ignore', async () => {
    const r = await run(
      'decompile',
      await file(
        'ignored.json',
        JSON.stringify({ uov_input_image: 'https://example.com/a.png', uov_method: 'Disabled' }),
      ),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: .*ignored/);
  });

  it('an invalid request exits 2 and names the field', async () => {
    const r = await run(
      'decompile',
      await file('badreq.json', JSON.stringify({ uov_method: 'Vary (Medium)' })),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/uov_method/);
    const nested = await run(
      'decompile',
      await file('badreq2.json', JSON.stringify({ controlnet_image: [{ cn_img: 'x', cn_stop: 3 }] })),
    );
    expect(nested.code).toBe(2);
    expect(nested.stderr).toMatch(/controlnet_image\[0\]\.cn_stop/);
  });

  it('not JSON exits 2', async () => {
    const r = await run('decompile', await file('nojson.json', '{'));
    expect(r.code).toBe(2);
  });
});

describe('strict arguments', () => {
  it('an unknown flag exits 2 with the usage, and suggests the close one', async () => {
    const path = await file('flags.json', serializeWorkflow(varyWorkflow()));
    const r = await run('compile', path, '--jsn');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^unknown option --jsn; did you mean --json\?\n\nusage: fooocus-flow compile/);
    for (const command of ['validate', 'decompile']) {
      const u = await run(command, path, '--json');
      expect(u.code, command).toBe(2);
      expect(u.stderr).toMatch(new RegExp(`unknown option --json\\n\\nusage: fooocus-flow ${command}`));
    }
  });

  it('compile and decompile take one file at a time (exit 2); the usage says so', async () => {
    const a = await file('one-a.json', JSON.stringify(loadSeed('vary-image-prompt')));
    const b = await file('one-b.json', JSON.stringify(loadSeed('enhance-chain')));
    const d = await run('decompile', a, b);
    expect(d.code).toBe(2);
    expect(d.stdout).toBe('');
    expect(d.stderr).toMatch(/2 files given; this command takes one file at a time/);
    expect(d.stderr).toMatch(/One file at a time/);
    const c = await run('compile', a, b);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/one file at a time/);
  });

  it('validate checks each file it is given; the exit code is the worst', async () => {
    const good = await file('m-good.json', serializeWorkflow(warningWorkflow()));
    const bad = await file('m-bad.json', serializeWorkflow(varyWorkflow('Disabled')));
    const r = await run('validate', good, bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`== ${good}\n`);
    expect(r.stdout).toContain(`== ${bad}\n`);
    expect(r.stdout).toMatch(/warning G-3[\s\S]*error G-5/);
    const broken = await run('validate', good, join(dir, 'missing.json'));
    expect(broken.code).toBe(2);
    expect(broken.stdout).toMatch(/0 error\(s\), 1 warning\(s\)/);
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    const r = await run('decompile', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: fooocus-flow decompile <request.json>/);
    const top = await run('--help');
    expect(top.stdout).toMatch(/compile and decompile take one file at a time/);
  });
});

describe('loading workflow files', () => {
  it('an empty workflow is an error on the command line (exit 1), like a settings-only one', async () => {
    const empty = await file(
      'empty.json',
      JSON.stringify({ format: 'fooocus-flow/workflow', version: 1, nodes: [], edges: [] }),
    );
    const v = await run('validate', empty);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/error S-empty: The workflow is empty/);
    const c = await run('compile', empty);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/error S-empty/);
    const j = await run('compile', empty, '--json');
    expect(JSON.parse(j.stdout).diagnostics[0]).toMatchObject({ severity: 'error', code: 'S-empty' });
    const b = new GraphBuilder();
    b.add('promptSettings', { prompt: 'x' });
    const settingsOnly = await run(
      'validate',
      await file('settings-only.json', serializeWorkflow(b.build('s'))),
    );
    expect(settingsOnly.code).toBe(1);
    expect(settingsOnly.stdout).toMatch(/error S-no-output/);
  });

  it('unknown params load with a warning that validate and compile print', async () => {
    const wf = JSON.parse(serializeWorkflow(varyWorkflow()));
    wf.nodes.find((n: { kind: string }) => n.kind === 'promptSettings').params.guidence_scale = 9;
    const path = await file('typo.json', JSON.stringify(wf));
    const v = await run('validate', path);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(
      /warning file nodes\[2\] \(promptSettings-1 "Prompt & Settings"\)\.params\.guidence_scale: unknown Prompt & Settings parameter "guidence_scale", ignored; did you mean "guidance_scale"\?/,
    );
    expect(v.stdout).toMatch(/0 error\(s\), 1 warning\(s\)/);
    const c = await run('compile', path);
    expect(c.code).toBe(0);
    expect(c.stderr).toMatch(/warning file .*guidence_scale/);
    expect(JSON.parse(c.stdout)).not.toHaveProperty('guidence_scale');
  });

  it('a file with a UTF-8 BOM compiles', async () => {
    const path = await file('bom.json', '\ufeff' + serializeWorkflow(varyWorkflow()));
    const r = await run('compile', path);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).uov_method).toBe('Vary (Strong)');
  });

  it('one error line per path, naming the node', async () => {
    const wf = JSON.parse(serializeWorkflow(varyWorkflow()));
    wf.nodes.find((n: { kind: string }) => n.kind === 'promptSettings').params.image_seed = 2 ** 60;
    const r = await run('validate', await file('seed.json', JSON.stringify(wf)));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/is not a valid workflow:$/),
      expect.stringMatching(
        /^ {2}nodes\[2\] \(promptSettings-1 "Prompt & Settings"\)\.params\.image_seed: at most 9007199254740991, got /,
      ),
    ]);
  });
});

describe('decompile: what it is given', () => {
  it('a workflow exits 2: it is already a workflow', async () => {
    const r = await run('decompile', await file('wf-as-request.json', serializeWorkflow(varyWorkflow())));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/this is already a workflow .*fooocus-flow compile/);
  });

  it('a task record with a 63-bit seed and flat LoRAs decompiles, with notes', async () => {
    const flat = [true, 'sd_xl_offset_example-lora_1.0.safetensors', 0.1];
    for (let i = 0; i < 4; i++) flat.push(true, 'None', 1);
    const text = `{"id":1,"task_id":"25ad75a189b3445b8d30f7df29101ed1","req_params":{"prompt":"a cat","aspect_ratios_selection":"1152×896","image_seed":8441793560237457123,"loras":${JSON.stringify(flat)},"save_name":null,"current_tab":"uov","input_image_checkbox":true},"task_status":"finished","result":[]}`;
    const r = await run('decompile', await file('record.json', text));
    expect(r.code).toBe(0);
    const parsed = parseWorkflowText(r.stdout);
    expect(parsed.ok).toBe(true);
    expect(r.stderr).toMatch(/note: This is a task record/);
    expect(r.stderr).toMatch(/note: This is the server's rewritten req_params/);
    expect(r.stderr).toMatch(/note: image_seed 8441793560237457123 is above 2\^53−1/);
  });

  it('unknown keys are noted with "did you mean"', async () => {
    const r = await run('decompile', await file('typo-req.json', '{"promtp":"a cat"}'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: Unknown field "promtp": the server ignores it; did you mean "prompt"\?/);
  });
});

describe('the installed bin', () => {
  it('node cli/bin.mjs compile runs as a real process', async () => {
    const path = await file('bin.json', serializeWorkflow(varyWorkflow()));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(REPO, 'cli/bin.mjs'), 'compile', path],
      {
        cwd: REPO,
      },
    );
    expect(JSON.parse(stdout).uov_method).toBe('Vary (Strong)');
    expect(stderr).toMatch(/0 error\(s\)/);
    const fail = await promisify(execFile)(
      process.execPath,
      [join(REPO, 'cli/bin.mjs'), 'compile', join(dir, 'nope.json')],
      {
        cwd: REPO,
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect((fail as { code: number }).code).toBe(2);
  });
});
