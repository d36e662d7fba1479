import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { crc32, zipStore } from '../../app/lib/zip.ts';

const enc = new TextEncoder();

/** Reads an archive with Python's zipfile (an independent reader): CRCs checked, names, bytes, dates. */
function readWithPython(bytes: Uint8Array) {
  const file = join(mkdtempSync(join(tmpdir(), 'zip-')), 'a.zip');
  writeFileSync(file, bytes);
  const script = `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
print(json.dumps({"bad": bad, "files": [
  {"name": i.filename, "size": i.file_size, "utf8": bool(i.flag_bits & 0x800), "date": list(i.date_time),
   "hex": z.read(i).hex()} for i in z.infolist()]}))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as {
    bad: string | null;
    files: { name: string; size: number; utf8: boolean; date: number[]; hex: string }[];
  };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('zipStore', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('writes an archive another reader opens, with every file intact and its UTF-8 name', async () => {
    const png = new Uint8Array(
      await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } })
        .png()
        .toBuffer(),
    );
    const entries = [
      { name: '人像-1.png', data: png },
      { name: 'workflow.fooocus-flow.json', data: enc.encode('{"version":1}') },
      { name: 'empty.txt', data: new Uint8Array() },
    ];
    const read = readWithPython(zipStore(entries, new Date(2026, 10, 21, 13, 45, 31)));
    expect(read.bad).toBeNull();
    expect(read.files.map((f) => f.name)).toEqual(entries.map((e) => e.name));
    read.files.forEach((f, i) => {
      expect(f.hex).toBe(hex(entries[i]!.data));
      expect(f.size).toBe(entries[i]!.data.length);
      expect(f.utf8).toBe(true);
      expect(f.date).toEqual([2026, 11, 21, 13, 45, 30]); // DOS time keeps 2-second steps
    });
  });

  it('an empty archive is still a valid zip', () => {
    expect(readWithPython(zipStore([]))).toEqual({ bad: null, files: [] });
  });

  it('refuses two files with one name rather than hide one of them', () => {
    expect(() =>
      zipStore([
        { name: 'a.png', data: new Uint8Array([1]) },
        { name: 'a.png', data: new Uint8Array([2]) },
      ]),
    ).toThrow(/both named "a.png"/);
  });
});
