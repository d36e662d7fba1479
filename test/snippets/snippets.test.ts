/**
 * The request view's "copy as curl / Python / fetch" snippets must run as they are: each one is
 * written to a file, run by the real tool against the simulated engine, and must produce results.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { toCurl, toFetch, toPython } from '../../compiler/authoring/snippets.ts';
import { getTemplate } from '../../compiler/authoring/templates.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';
import type { Workflow } from '../../nodes/graph.ts';

// Async on purpose: the engine runs in this process, so a blocking exec would deadlock it.
const exec = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8' })).stdout;

let sim: SimEngine;
let dir: string;
let request: ReturnType<typeof compile>['request'];

async function pngDataUrl(width: number, height: number): Promise<string> {
  const png = await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** A Python with `requests` (the snippet's library): the default python3, else Debian's. */
function pythonWithRequests(): string {
  for (const py of ['python3', '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'import requests']).status === 0) return py;
  }
  throw new Error('No python3 with the "requests" package: apt-get install -y python3-requests');
}

beforeAll(async () => {
  // A short read loop: these tests check what the snippets send and read, not the server's 0.2 s pacing.
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 5 });
  dir = mkdtempSync(join(tmpdir(), 'snippets-'));
  const wf: Workflow = getTemplate('vary-image-prompt')!.build();
  const image = await pngDataUrl(320, 240);
  for (const n of wf.nodes) if (n.kind === 'inputImage') n.params.image = image;
  const compiled = compile(wf, { seed: 1234 });
  expect(compiled.ok).toBe(true);
  request = { ...compiled.request, image_number: 2 };
});
afterAll(async () => {
  await sim.close();
});

function expectFinishedWithTwoResults(output: string) {
  expect(output).toContain('finished');
  const urls = output.match(/http:\/\/[^\s'",\]]+\/outputs\/[^\s'",\]]+/g) ?? [];
  expect(urls).toHaveLength(2);
}

describe('copied snippets run against the simulated engine', () => {
  it('curl', async () => {
    const file = join(dir, 'run.sh');
    writeFileSync(file, toCurl(request, { baseUrl: sim.url }));
    const out = await exec('bash', [file]);
    const task = JSON.parse(out) as { task_status: string; result: string[] };
    expect(task.task_status).toBe('finished');
    expect(task.result).toHaveLength(2);
  });

  it('Python requests', async () => {
    const file = join(dir, 'run.py');
    writeFileSync(file, toPython(request, { baseUrl: sim.url }));
    expectFinishedWithTwoResults(await exec(pythonWithRequests(), [file]));
  });

  it('JavaScript fetch', async () => {
    const file = join(dir, 'run.mjs');
    writeFileSync(file, toFetch(request, { baseUrl: sim.url }));
    expectFinishedWithTwoResults(await exec(process.execPath, [file]));
  });

  it('sends the API key only when asked, and the server enforces it', async () => {
    expect(toCurl(request, { baseUrl: sim.url })).not.toContain('X-API-KEY');
    sim.setApiKey('s3cret');
    try {
      const file = join(dir, 'key.sh');
      writeFileSync(file, toCurl(request, { baseUrl: sim.url, apiKey: 's3cret' }));
      const task = JSON.parse(await exec('bash', [file])) as { result: string[] };
      expect(task.result).toHaveLength(2);
      writeFileSync(file, toCurl(request, { baseUrl: sim.url }));
      expect(await exec('bash', [file])).toContain('Forbidden');
    } finally {
      sim.setApiKey(undefined);
    }
  });

  it('quotes hostile prompt text safely in every language', async () => {
    const hostile = { ...request, prompt: `it's "quoted" $(rm -rf /) \`x\` \\n 中文 FOOOCUS_FLOW_JSON` };
    const sh = join(dir, 'hostile.sh');
    writeFileSync(sh, toCurl(hostile, { baseUrl: sim.url }));
    const task = JSON.parse(await exec('bash', [sh])) as { req_params: { prompt: string } };
    expect(task.req_params.prompt).toBe(hostile.prompt);
    const py = join(dir, 'hostile.py');
    writeFileSync(py, toPython(hostile, { baseUrl: sim.url }));
    expectFinishedWithTwoResults(await exec(pythonWithRequests(), [py]));
  });
});
