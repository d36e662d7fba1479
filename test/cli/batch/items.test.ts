/**
 * The items of a batch from folders, globs and tables (untrusted: limits, row/column errors), and the
 * two reports a user opens (HTML escaped, no scripts; CSV without formulas).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openWorkflowText } from '../../../compiler/workflow-file/index.ts';
import type { Workflow } from '../../../nodes/graph.ts';
import { buildItems, ItemsError } from '../../../server/batch/items.ts';
import { parseCsv, parseJsonl, readTable, TABLE_LIMITS } from '../../../server/batch/table.ts';
import { csvCell, renderIndexHtml, renderResultsCsv } from '../../../server/batch/report.ts';
import { newManifest } from '../../../server/batch/manifest.ts';
import { removeTempDirs, tempDir, writePhotos, writeVaryWorkflow } from './helpers.ts';

afterEach(removeTempDirs);

async function workflowIn(dir: string): Promise<Workflow> {
  const path = await writeVaryWorkflow(dir, { exposeCount: true });
  const opened = await openWorkflowText(await readFile(path, 'utf8'), path);
  if (!opened.ok) throw new Error('fixture');
  return opened.workflow;
}

describe('batch items', () => {
  it('a folder gives one item per image file, sorted by name; --set applies to all', async () => {
    const dir = await tempDir();
    const wf = await workflowIn(dir);
    const photos = await writePhotos(dir, 3);
    await writeFile(join(photos, 'notes.txt'), 'not an image');
    const items = await buildItems(wf, {
      inputs: { image: photos },
      table: undefined,
      set: { prompt: 'oil' },
    });
    expect(items.map((i) => i.label)).toEqual(['p00.png', 'p01.png', 'p02.png']);
    expect(items.every((i) => i.set.prompt === 'oil')).toBe(true);
    expect(new Set(items.map((i) => i.id)).size).toBe(3);
    // The same sources give the same ids (the manifest finds its items again).
    const again = await buildItems(wf, {
      inputs: { image: photos },
      table: undefined,
      set: { prompt: 'oil' },
    });
    expect(again.map((i) => i.id)).toEqual(items.map((i) => i.id));
  });

  it('a glob matches in its file name part; bad names and types are refused with the fix', async () => {
    const dir = await tempDir();
    const wf = await workflowIn(dir);
    const photos = await writePhotos(dir, 4);
    const items = await buildItems(wf, {
      inputs: { image: join(photos, 'p0[12]*') },
      table: undefined,
      set: {},
    }).catch((e: Error) => e);
    expect(items).toBeInstanceOf(ItemsError); // "[" is literal: no file matches
    const glob = await buildItems(wf, {
      inputs: { image: join(photos, 'p0?.png') },
      table: undefined,
      set: {},
    });
    expect(glob).toHaveLength(4);
    await expect(buildItems(wf, { inputs: { imag: photos }, table: undefined, set: {} })).rejects.toThrow(
      /--input imag: "imag" is not an exposed parameter.*did you mean "image"/,
    );
    await expect(buildItems(wf, { inputs: { prompt: photos }, table: undefined, set: {} })).rejects.toThrow(
      /--input prompt: prompt is not an image; use --set prompt=VALUE/,
    );
    await expect(buildItems(wf, { inputs: {}, table: undefined, set: { count: 'many' } })).rejects.toThrow(
      /--set: count/,
    );
  });

  it('a CSV table: one item per row, image paths relative to the table, errors name the row and column', async () => {
    const dir = await tempDir();
    const wf = await workflowIn(dir);
    await writePhotos(dir, 2);
    const table = join(dir, 'items.csv');
    await writeFile(
      table,
      '\ufeffimage,prompt,count\r\nphotos/p00.png,"a ""quoted"", prompt",2\r\nphotos/p01.png,plain,1\r\n',
    );
    const items = await buildItems(wf, { inputs: {}, table, set: {} });
    expect(items.map((i) => [i.inputs.image, i.set.prompt, i.set.count])).toEqual([
      [join(dir, 'photos/p00.png'), 'a "quoted", prompt', '2'],
      [join(dir, 'photos/p01.png'), 'plain', '1'],
    ]);
    await writeFile(table, 'image,promt\nphotos/p00.png,x\n');
    await expect(buildItems(wf, { inputs: {}, table, set: {} })).rejects.toThrow(
      /items\.csv row 1, column "promt": "promt" is not an exposed parameter.*did you mean "prompt"/,
    );
    await writeFile(table, 'image,count\nphotos/p00.png,2\nphotos/p01.png,lots\n');
    await expect(buildItems(wf, { inputs: {}, table, set: {} })).rejects.toThrow(/items\.csv row 2: count/);
    await writeFile(table, 'image,prompt\nphotos/p00.png\n');
    await expect(buildItems(wf, { inputs: {}, table, set: {} })).rejects.toThrow(
      /row 1 \(line 2\): 1 cells, but the header has 2 columns/,
    );
  });

  it('JSONL rows: numbers and booleans become values; a bad line is named', async () => {
    expect(parseJsonl('{"prompt":"a","count":2}\n\n{"prompt":"b","count":1}\n', 't.jsonl')).toEqual([
      { row: 1, where: 't.jsonl line 1', values: { prompt: 'a', count: '2' } },
      { row: 3, where: 't.jsonl line 3', values: { prompt: 'b', count: '1' } },
    ]);
    expect(() => parseJsonl('{"prompt":"a"}\n{oops\n', 't.jsonl')).toThrow(/t\.jsonl line 2: not valid JSON/);
    expect(() => parseJsonl('[1,2]\n', 't.jsonl')).toThrow(/t\.jsonl line 1: expected one JSON object/);
    expect(() => parseJsonl('{"prompt":{"x":1}}\n', 't.jsonl')).toThrow(
      /t\.jsonl line 1, column "prompt": a value must be a string, a number or true\/false/,
    );
  });

  it('limits: a file too big is refused by its size, a cell too long by its bytes, with where', async () => {
    const dir = await tempDir();
    const big = join(dir, 'big.csv');
    await writeFile(big, Buffer.alloc(TABLE_LIMITS.fileBytes + 1, 0x61));
    await expect(readTable(big)).rejects.toThrow(/larger than/);
    const cell = 'x'.repeat(TABLE_LIMITS.cellBytes + 1);
    expect(() => parseCsv(`prompt\nok\n${cell}\n`, 't.csv')).toThrow(
      /t\.csv line 3, column 1: longer than 65536 bytes/,
    );
    expect(() => parseJsonl(`{"prompt":"${cell}"}`, 't.jsonl')).toThrow(
      /line 1, column "prompt": longer than/,
    );
    expect(() => parseCsv('a,b\n"open\n', 't.csv')).toThrow(/never closed/);
    await expect(readTable(join(dir, 'items.xlsx'))).rejects.toThrow(/cannot read|\.csv or \.jsonl/);
  });

  it('lists of different lengths are refused: items are matched by position', async () => {
    const dir = await tempDir();
    const wf = await workflowIn(dir);
    const photos = await writePhotos(dir, 3);
    const table = join(dir, 'items.jsonl');
    await writeFile(table, '{"prompt":"a"}\n{"prompt":"b"}\n');
    await expect(buildItems(wf, { inputs: { image: photos }, table, set: {} })).rejects.toThrow(
      /--input image \(3 files\) and --table .* \(2 rows\) differ in length/,
    );
  });
});

describe('batch reports', () => {
  const manifest = () =>
    newManifest({
      batchId: '0123456789abcdef',
      workflow: { path: '/w.json', sha256: 'x' },
      queue: 'embedded',
      batchSeed: 1,
      items: [
        {
          id: 'aaaaaaaaaaaa',
          index: 0,
          label: '<img src=x onerror=alert(1)>.png',
          inputs: { image: '/p/"quote".png' },
          set: { prompt: '=HYPERLINK("http://evil")' },
          seed: 1,
          state: 'failed',
          error: '</div><script>alert(1)</script>',
          itemFailures: 3,
        },
        {
          id: 'bbbbbbbbbbbb',
          index: 1,
          label: 'ok.png',
          inputs: { image: '/p/ok.png' },
          set: { prompt: '+1' },
          seed: 2,
          state: 'done',
          files: ['items/0002-ok/01.png'],
          thumbs: { input: 'thumbs/b-in.jpg', results: ['thumbs/b-1.jpg'] },
          itemFailures: 0,
        },
      ],
    });

  it('index.html escapes every text, runs nothing and says so in a strict CSP', () => {
    const html = renderIndexHtml(manifest(), 'batch <b>');
    expect(html).not.toMatch(/<script|<img src=x/i);
    expect(html).toContain('&lt;/div&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.png');
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src/,
    );
    expect(html).toContain('<a href="items/0002-ok/01.png"><img src="thumbs/b-1.jpg" alt="result 1"></a>');
  });

  it('results.csv never starts a cell with = + - @ and quotes what needs it', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    const csv = renderResultsCsv(manifest());
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('item,label,state,server,task_id,files,error,image,prompt');
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[2]).toMatch(/,'\+1$/);
  });
});
