/**
 * A 20 MB file of `[1,1,…]` in a list field used to cost minutes and gigabytes (one zod issue per
 * element) before the first error. Now the length alone refuses it: the CLI, run under a 512 MB heap,
 * exits 2 with the JSON path instead of crashing out of memory.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../compiler/helpers.ts';

const exec = promisify(execFile);
let dir: string;
const ITEMS = 10_000_000; // "1," × 10 M ≈ 20 MB

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-dense-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  try {
    const r = await exec(
      process.execPath,
      ['--max-old-space-size=512', '--import', 'tsx', join(REPO, 'cli/bin.mjs'), ...argv],
      { cwd: REPO, maxBuffer: 1 << 20 },
    );
    return { code: 0, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stderr?: string };
    return { code: err.code ?? -1, stderr: err.stderr ?? '' };
  }
}

const dense = () => `[${'1,'.repeat(ITEMS - 1)}1]`;

describe('dense 20 MB lists', () => {
  it('decompile refuses controlnet_image by its length, exit 2', async () => {
    const path = join(dir, 'request.json');
    await writeFile(path, `{"prompt":"x","controlnet_image":${dense()}}`);
    const r = await cli('decompile', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/controlnet_image: has 10,000,000 items/);
  }, 120_000);

  it('validate refuses style_selections by its length, with the node path, exit 2', async () => {
    const path = join(dir, 'workflow.json');
    await writeFile(
      path,
      `{"format":"fooocus-flow/workflow","version":1,"name":"x","nodes":[{"id":"p","kind":"promptSettings","kindVersion":1,"params":{"style_selections":${dense()}}}],"edges":[]}`,
    );
    const r = await cli('validate', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nodes\[0\].*params\.style_selections: has 10,000,000 items/);
  }, 120_000);
});

describe('file size limits are in bytes', () => {
  it('a workflow of CJK text under the limit in characters but over it in bytes is refused', async () => {
    const { parseWorkflowText, MAX_WORKFLOW_BYTES } = await import('../../compiler/workflow-file/index.ts');
    const chars = Math.ceil(MAX_WORKFLOW_BYTES / 3) + 10; // under the limit in characters, over it in bytes
    const r = parseWorkflowText(`{"name":"${'中'.repeat(chars)}"}`, 'big.json');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0]!.message).toMatch(
        new RegExp(`big\\.json is \\d+ MB; a workflow file is at most ${MAX_WORKFLOW_BYTES / 1048576} MB`),
      );
  });

  it('decompile has a limit too, and the CLI refuses a larger file before reading it', async () => {
    const { decompileText, MAX_REQUEST_BYTES } = await import('../../compiler/decompile.ts');
    const r = decompileText(`{"prompt":"${'é'.repeat(MAX_REQUEST_BYTES / 2 + 1)}"}`);
    expect(r.ok).toBe(false);
    const path = join(dir, 'huge.json');
    await writeFile(path, Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x20));
    const out = await cli('decompile', path);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/larger than 64 MB, the most this command reads/);
  }, 120_000);
});
