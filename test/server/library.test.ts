/**
 * The workflow library on the app server (server/library/): create, list (newest first), read,
 * rename, duplicate, delete through the REST API; names that would leave the folder, invalid
 * contents, oversized bodies and other web pages are refused; the CLI runs a saved workflow by name.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportWorkflow, serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { MemoryAssetStore } from '../../compiler/assets/memory-store.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { startAppServer, type AppServer } from '../../server/app-server.ts';
import { toLibraryName } from '../../compiler/workflow-file/library-names.ts';
import { REPO } from '../compiler/helpers.ts';
import { rawRequest } from './helpers.ts';

let app: AppServer;
let lib: string;
let dist: string;

const textToImage = (prompt: string, name = 'wf') => {
  const b = new GraphBuilder();
  const s = b.add('promptSettings', { prompt, image_seed: 7 });
  b.wire(s, b.add('output'));
  return serializeWorkflow(b.build(name));
};

beforeAll(async () => {
  lib = await mkdtemp(join(tmpdir(), 'ff-library-'));
  dist = await mkdtemp(join(tmpdir(), 'ff-library-dist-'));
  await writeFile(join(dist, 'index.html'), '<!doctype html>');
  app = await startAppServer({ port: 0, apiUrl: 'http://127.0.0.1:9', distDir: dist, libraryDir: lib });
});
afterAll(async () => {
  await app.close();
  await rm(lib, { recursive: true, force: true });
  await rm(dist, { recursive: true, force: true });
});

const api = (path: string, init?: RequestInit) => fetch(`${app.url}/app/workflows${path}`, init);
const put = (name: string, body: string, overwrite = false) =>
  api(`/${encodeURIComponent(name)}${overwrite ? '?overwrite=1' : ''}`, { method: 'PUT', body });
const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });
const names = async () =>
  ((await (await api('')).json()) as { workflows: { name: string }[] }).workflows.map((w) => w.name);

describe('workflow library REST API', () => {
  it('create, list newest first, read, overwrite only when asked', async () => {
    expect(await names()).toEqual([]);
    expect((await put('my-portrait', textToImage('a portrait'))).status).toBe(200);
    expect((await put('第二个 workflow (v2)', textToImage('two'))).status).toBe(200);
    expect(await names()).toEqual(['第二个 workflow (v2)', 'my-portrait']);
    const read = await api('/my-portrait');
    expect(read.status).toBe(200);
    expect(JSON.parse(await read.text()).nodes[0].params.prompt).toBe('a portrait');
    const again = await put('my-portrait', textToImage('other'));
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toBe(
      'a workflow named "my-portrait" already exists; choose another name',
    );
    expect((await put('my-portrait', textToImage('a portrait, v2'), true)).status).toBe(200);
    expect(JSON.parse(await (await api('/my-portrait')).text()).nodes[0].params.prompt).toBe(
      'a portrait, v2',
    );
  });

  it('rename and duplicate keep the file and update its inner name; delete removes it', async () => {
    await put('to-rename', textToImage('r', 'to-rename'));
    const r = await post('/to-rename/rename', { to: 'renamed' });
    expect(r.status).toBe(200);
    expect(await names()).toContain('renamed');
    expect(await names()).not.toContain('to-rename');
    expect(JSON.parse(await (await api('/renamed')).text()).name).toBe('renamed');
    expect((await post('/renamed/duplicate', { to: 'renamed copy' })).status).toBe(200);
    expect(JSON.parse(await (await api('/renamed%20copy')).text()).name).toBe('renamed copy');
    expect((await post('/renamed/rename', { to: 'renamed copy' })).status).toBe(409);
    expect((await api('/renamed', { method: 'DELETE' })).status).toBe(200);
    expect((await api('/renamed')).status).toBe(404);
    expect((await api('/renamed', { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses names that would leave the folder or are not file names, touching nothing', async () => {
    const before = (await readdir(lib)).sort();
    for (const bad of [
      '..',
      '../evil',
      '.hidden',
      'a/b',
      'a\\b',
      'con',
      'x\u0000y',
      'C:evil',
      'a..b',
      ' lead',
    ]) {
      const res = await put(bad, textToImage('x'));
      // ".." is resolved by the client to /app/ (405 there); every other name reaches the library and is refused.
      expect([404, 405, 422], bad).toContain(res.status);
    }
    for (const raw of ['/..%2F..%2Fetc%2Fpasswd', '/%2e%2e', '/a%2Fb/rename', '/x/y/z'])
      expect([404, 405, 422], raw).toContain(
        (await api(raw, { method: 'PUT', body: textToImage('x') })).status,
      );
    const rename = await post('/my-portrait/rename', { to: '../../outside' });
    expect(rename.status).toBe(422);
    expect(((await rename.json()) as { detail: string }).detail).toMatch(
      /^invalid workflow name: only letters/,
    );
    expect((await readdir(lib)).sort()).toEqual(before);
  });

  it('validates contents and bodies with clear messages', async () => {
    const notWorkflow = await put('bad', '{"prompt": "a request, not a workflow"}');
    expect(notWorkflow.status).toBe(422);
    expect(((await notWorkflow.json()) as { detail: string }).detail).toMatch(/^not a valid workflow: /);
    expect((await post('/my-portrait/rename', { to: 5 })).status).toBe(422);
    expect((await post('/my-portrait/rename', { to: 'x', extra: 1 })).status).toBe(422);
    const big = await rawRequest(app.url, {
      method: 'PUT',
      path: '/app/workflows/huge',
      headers: { 'content-length': String(300 * 1024 * 1024) },
      body: '',
    });
    expect(big.status).toBe(413);
  });

  it('other web pages may not use it', async () => {
    const res = await api('', { headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    const site = await put('x-site', textToImage('x'));
    expect(site.status).toBe(200);
    const cross = await fetch(`${app.url}/app/workflows/x-site`, {
      method: 'DELETE',
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(cross.status).toBe(403);
    expect(await names()).toContain('x-site');
  });

  it('toLibraryName turns free text into a valid name', () => {
    expect(toLibraryName('  My portrait / v2  ')).toBe('My portrait - v2');
    expect(toLibraryName('../../etc/passwd')).toBe('etc-passwd');
    expect(toLibraryName('...')).toBe('');
  });
});

describe('fooocus-flow run <name>', () => {
  it('runs a workflow saved in the library by its name, from another folder', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#884422' } })
      .png()
      .toBuffer();
    const store = new MemoryAssetStore();
    const b = new GraphBuilder();
    const img = b.add('inputImage', { image: `data:image/png;base64,${png.toString('base64')}` });
    const v = b.add('vary', { method: 'Vary (Subtle)' });
    b.add('promptSettings', { prompt: 'a portrait', performance_selection: 'Lightning' });
    b.wire(img, v).wire(v, b.add('output'));
    const { text } = await exportWorkflow(b.build('cli-portrait'), store, { images: 'embed' });
    expect((await put('cli-portrait', text)).status).toBe(200);
    const cwd = await mkdtemp(join(tmpdir(), 'ff-library-run-'));
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [join(REPO, 'cli/bin.mjs'), 'run', 'cli-portrait', '--out', 'out', '--seed', '3'],
        { cwd, env: { ...process.env, FOOOCUS_FLOW_WORKFLOWS: lib } },
      );
      expect(stderr).toContain(
        `Workflow "cli-portrait" from the library: ${join(lib, 'cli-portrait.fooocus-flow.json')}`,
      );
      expect(stdout).toMatch(/01-vary\.png/);
      const record = JSON.parse(await readFile(join(cwd, 'out', 'run.json'), 'utf8'));
      expect(record.request.uov_method).toBe('Vary (Subtle)');
      const missing = await promisify(execFile)(
        process.execPath,
        [join(REPO, 'cli/bin.mjs'), 'run', 'no-such-workflow'],
        {
          cwd,
          env: { ...process.env, FOOOCUS_FLOW_WORKFLOWS: lib },
        },
      ).catch((e: { code: number; stderr: string }) => e);
      expect((missing as { code: number }).code).toBe(2);
      expect((missing as { stderr: string }).stderr).toMatch(
        /no such file, and no workflow named "no-such-workflow" in the library .* \(saved workflows: .*cli-portrait/,
      );
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});
