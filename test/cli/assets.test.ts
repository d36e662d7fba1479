/**
 * Images as assets on the command line: an exported workflow with its images runs on "another
 * machine" (a real CLI process in a clean temp folder), a file saved without images reports its
 * missing images until bound with --input or found in an --assets folder, decompile writes version
 * 2; and the folder asset store itself (content-addressed, atomic, checked on read).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { dataUrlBytes } from '../../compiler/assets/data-url.ts';
import { assetMetaOf } from '../../compiler/assets/meta.ts';
import { MemoryAssetStore } from '../../compiler/assets/memory-store.ts';
import { getTemplate } from '../../compiler/authoring/templates.ts';
import { exportWorkflow, openWorkflowText } from '../../compiler/workflow-file/index.ts';
import { assetRef } from '../../nodes/assets.ts';
import type { Workflow } from '../../nodes/graph.ts';
import { FolderAssetStore } from '../../server/assets/folder-store.ts';
import { FIXTURES, REPO, captureIO } from '../compiler/helpers.ts';

const made: string[] = [];
async function temp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'ff-assets-'));
  made.push(d);
  return d;
}
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

async function run(...argv: string[]) {
  const cap = captureIO();
  const code = await main(argv, cap.io);
  return { code, stdout: cap.stdout, stderr: cap.stderr };
}

let photo: Buffer;
let reference: Buffer;
let store: MemoryAssetStore;
let wf: Workflow;

beforeAll(async () => {
  photo = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#c89664' } })
    .jpeg()
    .toBuffer();
  reference = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#204080' } })
    .png()
    .toBuffer();
  store = new MemoryAssetStore();
  wf = getTemplate('vary-image-prompt')!.build();
  for (const [name, file] of [
    ['image', photo],
    ['reference', reference],
  ] as const) {
    const meta = await assetMetaOf(new Uint8Array(file));
    store.add(meta.hash, new Uint8Array(file));
    wf.assets[meta.hash] = meta;
    const id = wf.exposed.find((x) => x.name === name)!.nodeId;
    wf.nodes.find((n) => n.id === id)!.params.image = assetRef(meta.hash);
  }
});

describe('an exported workflow with its images', () => {
  it('runs from the CLI, as a separate process, in a clean temp folder', async () => {
    const dir = await temp();
    const { text } = await exportWorkflow(wf, store, { images: 'embed' });
    await writeFile(join(dir, 'vary.fooocus-flow.json'), text);
    expect(await readdir(dir)).toEqual(['vary.fooocus-flow.json']);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(REPO, 'cli/bin.mjs'), 'run', 'vary.fooocus-flow.json', '--out', 'out', '--seed', '5'],
      { cwd: dir },
    );
    expect(stdout).toMatch(/01-vary\.png/);
    const record = JSON.parse(await readFile(join(dir, 'out', 'run.json'), 'utf8'));
    // What the server received: the photo's own bytes, not re-encoded.
    expect(Buffer.from(dataUrlBytes(record.request.uov_input_image)!).equals(photo)).toBe(true);
    expect(record.request.uov_input_image).toMatch(/^data:image\/jpeg;base64,/);
    expect(Buffer.from(dataUrlBytes(record.request.controlnet_image[0].cn_img)!).equals(reference)).toBe(
      true,
    );
  });
});

describe('a workflow saved without images', () => {
  let file: string;
  let dir: string;
  beforeAll(async () => {
    dir = await temp();
    file = join(dir, 'template.json');
    await writeFile(file, (await exportWorkflow(wf, store, { images: 'omit' })).text);
  });

  it('validate reports each missing image on its node with the --input to bind it', async () => {
    const r = await run('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/S-missing-asset/);
    expect(r.stdout).toMatch(/--input image=FILE/);
    expect(r.stdout).toMatch(/--input reference=FILE/);
  });

  it('runs once its images are bound with --input', async () => {
    const photoFile = join(dir, 'me.jpg');
    const refFile = join(dir, 'style.png');
    await writeFile(photoFile, photo);
    await writeFile(refFile, reference);
    const out = join(dir, 'out');
    const r = await run(
      'run',
      file,
      '--out',
      out,
      '--input',
      `image=${photoFile}`,
      '--input',
      `reference=${refFile}`,
    );
    expect(r.stderr).not.toMatch(/S-missing-asset/);
    expect(r.code).toBe(0);
    const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    expect(Buffer.from(dataUrlBytes(record.request.uov_input_image)!).equals(photo)).toBe(true);
  });

  it('compiles with its images found in an --assets folder', async () => {
    const folder = join(dir, 'assets');
    const fs = new FolderAssetStore(folder);
    await fs.put(new Uint8Array(photo), { type: 'image/jpeg', width: 96, height: 64 });
    await fs.put(new Uint8Array(reference), { type: 'image/png', width: 40, height: 40 });
    const r = await run('compile', file, '--assets', folder);
    expect(r.stderr).not.toMatch(/S-missing-asset/);
    expect(r.code).toBe(0);
    const request = JSON.parse(r.stdout);
    expect(Buffer.from(dataUrlBytes(request.controlnet_image[0].cn_img)!).equals(reference)).toBe(true);
  });
});

describe('decompile', () => {
  it('writes a version-2 workflow whose images are embedded assets', async () => {
    const dir = await temp();
    const seed = JSON.parse(await readFile(`${FIXTURES}/seeds/vary-inpaint-image-prompt.json`, 'utf8'));
    // The seed's images are cut-off placeholders; a real request carries whole ones.
    const image = `data:image/jpeg;base64,${photo.toString('base64')}`;
    for (const k of Object.keys(seed))
      if (typeof seed[k] === 'string' && seed[k].startsWith('data:')) seed[k] = image;
    await writeFile(join(dir, 'request.json'), JSON.stringify(seed));
    const r = await run('decompile', join(dir, 'request.json'));
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/not base64/);
    const doc = JSON.parse(r.stdout);
    expect(doc.version).toBe(2);
    expect(r.stdout).not.toMatch(/"data:image/);
    const opened = await openWorkflowText(r.stdout);
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors));
    expect([...opened.assets.values()].map((b) => Buffer.from(b).equals(photo))).toContain(true);
    expect(opened.assets.size).toBe(Object.keys(doc.assets).length);
  });

  it('a cut-off inline image is left empty, with a note, and the file still opens', async () => {
    const r = await run('decompile', `${FIXTURES}/seeds/vary-inpaint-image-prompt.json`);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: nodes\[\d+\]\.params\.image: the request's image is not base64/);
    expect((await openWorkflowText(r.stdout)).ok).toBe(true);
  });
});

describe('FolderAssetStore', () => {
  it('keeps bytes by hash, once, with no temporary file left', async () => {
    const dir = await temp();
    const fs = new FolderAssetStore(dir);
    const bytes = new Uint8Array(photo);
    const [a, b] = await Promise.all([
      fs.put(bytes, { type: 'image/jpeg', width: 96, height: 64 }),
      fs.put(bytes, { type: 'image/jpeg', width: 96, height: 64 }),
    ]);
    const meta = await assetMetaOf(bytes);
    expect(a).toEqual(meta);
    expect(b).toEqual(meta);
    expect(await fs.has(meta.hash)).toBe(true);
    expect(Buffer.from((await fs.get(meta.hash))!).equals(photo)).toBe(true);
    expect(await readdir(join(dir, meta.hash.slice(0, 2)))).toEqual([meta.hash]);
  });

  it('treats absent, damaged and malformed names as missing', async () => {
    const dir = await temp();
    const fs = new FolderAssetStore(dir);
    const meta = await fs.put(new Uint8Array(reference), { type: 'image/png', width: 40, height: 40 });
    expect(await fs.get('0'.repeat(64))).toBeNull();
    expect(await fs.get('../../etc/passwd')).toBeNull();
    expect(await fs.has('../x')).toBe(false);
    await writeFile(join(dir, meta.hash.slice(0, 2), meta.hash), Buffer.from('not the same bytes'));
    expect(await fs.get(meta.hash)).toBeNull();
  });
});
