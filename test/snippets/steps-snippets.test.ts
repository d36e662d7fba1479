/**
 * "Copy as curl / Python / fetch" for a graph that runs as steps: each chained script is written
 * to a file and run by the real tool against the simulated engine; it must send step 1, carry each
 * of its images through step 2 and end with the final images.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../compiler/compile.ts';
import { toStepsSnippet } from '../../compiler/steps/snippets.ts';
import type { CompiledStep } from '../../compiler/types.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/index.ts';

// Async on purpose: the engine runs in this process, so a blocking exec would deadlock it.
const exec = async (cmd: string, args: string[]) =>
  (await promisify(execFile)(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout;

function pythonWithRequests(): string {
  for (const py of ['python3', '/usr/bin/python3']) {
    if (spawnSync(py, ['-c', 'import requests']).status === 0) return py;
  }
  throw new Error('No python3 with the "requests" package: apt-get install -y python3-requests');
}

let sim: SimEngine;
let dir: string;
let steps: CompiledStep[];

beforeAll(async () => {
  sim = await startSimEngine({ port: 0, speed: 0, tickMs: 5 });
  dir = mkdtempSync(join(tmpdir(), 'steps-snippets-'));
  const png = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#c87828' } })
    .png()
    .toBuffer();
  // Two images of Vary (main pass), then four regions: three in step 1, the fourth in step 2.
  const b = new GraphBuilder();
  b.add('promptSettings', { image_number: 2, prompt: 'a fox' });
  const i = b.add('inputImage', { image: `data:image/png;base64,${png.toString('base64')}` });
  const v = b.add('vary', { runIn: 'main' });
  b.wire(i, v);
  let prev = v;
  for (const w of ['face', 'eye', 'mouth', 'hair']) {
    const r = b.add('enhanceRegion', { enhance_mask_dino_prompt: w });
    b.wire(prev, r);
    prev = r;
  }
  b.wire(prev, b.add('output'));
  const compiled = compile({ ...b.build('chain'), overflow: 'steps' }, { seed: 1234 });
  expect(compiled.ok).toBe(true);
  steps = compiled.steps;
  expect(steps).toHaveLength(2);
});
afterAll(async () => {
  await sim.close();
});

/** Step 1 (2 main + 2×3 regions), then step 2 once per image: 2 final images at the end. */
function expectChained(output: string) {
  expect(output).toMatch(/^step 1:( http:\/\/\S+\/outputs\/\S+){8}$/m);
  expect(output).toMatch(/^step 2, image 1: http:\/\/\S+\/outputs\/\S+$/m);
  expect(output).toMatch(/^step 2, image 2: http:\/\/\S+\/outputs\/\S+$/m);
  const finals = output.slice(output.lastIndexOf('finished')).match(/http:\/\/\S+\/outputs\/[^\s'",\]]+/g);
  expect(finals).toHaveLength(2);
}

describe('chained snippets run against the simulated engine', () => {
  it('Python requests', async () => {
    const file = join(dir, 'steps.py');
    writeFileSync(file, toStepsSnippet('python', steps, { baseUrl: sim.url }));
    expectChained(await exec(pythonWithRequests(), [file]));
  });

  it('JavaScript fetch', async () => {
    const file = join(dir, 'steps.mjs');
    writeFileSync(file, toStepsSnippet('fetch', steps, { baseUrl: sim.url }));
    expectChained(await exec(process.execPath, [file]));
  });

  it('curl (bash + jq)', async () => {
    const file = join(dir, 'steps.sh');
    writeFileSync(file, toStepsSnippet('curl', steps, { baseUrl: sim.url }));
    expectChained(await exec('bash', [file]));
  });

  it('JSON is the array of step requests', () => {
    const parsed = JSON.parse(toStepsSnippet('json', steps, { baseUrl: sim.url })) as unknown[];
    expect(parsed).toEqual(steps.map((s) => s.request));
  });
});
