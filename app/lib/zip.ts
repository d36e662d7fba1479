/**
 * A small ZIP writer for "Download all": one file instead of a burst of downloads, which browsers
 * block after the first ("this site is trying to download multiple files"). Entries are stored, not
 * deflated: the payload is PNGs (already compressed) and a little JSON. Names are flagged UTF-8
 * (general-purpose bit 11) so Chinese workflow names survive every unzip tool.
 *
 * Written from the PKWARE APPNOTE (sections 4.3.7 local header, 4.3.12 central directory, 4.3.16
 * end record). No ZIP64: a gallery is bounded far below 4 GiB, and larger input is refused.
 */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  data: Uint8Array;
}

const UTF8_NAMES = 0x0800;
const VERSION = 20; // 2.0: the lowest version that knows folders and stored entries
const MAX_U32 = 0xffffffff;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (the ZIP/PNG polynomial). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** MS-DOS date and time (local time, 2-second steps; years before 1980 clamp to 1980). */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** The archive's bytes. Throws on duplicate names or beyond the classic ZIP limits. */
export function zipStore(entries: readonly ZipEntry[], modified = new Date()): Uint8Array<ArrayBuffer> {
  if (entries.length > 0xffff)
    throw new Error(`A zip holds at most 65535 files; this one has ${entries.length}.`);
  const seen = new Set<string>();
  const encoder = new TextEncoder();
  const { time, date } = dosDateTime(modified);
  const files = entries.map((e) => {
    if (seen.has(e.name)) throw new Error(`Two files in one zip are both named "${e.name}".`);
    seen.add(e.name);
    return { name: encoder.encode(e.name), data: e.data, crc: crc32(e.data) };
  });
  const localSize = files.reduce((n, f) => n + 30 + f.name.length + f.data.length, 0);
  const centralSize = files.reduce((n, f) => n + 46 + f.name.length, 0);
  if (localSize + centralSize > MAX_U32) throw new Error('The files are too large for one zip (4 GiB).');

  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let at = 0;
  const u16 = (v: number) => {
    view.setUint16(at, v, true);
    at += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(at, v, true);
    at += 4;
  };
  const bytes = (b: Uint8Array) => {
    out.set(b, at);
    at += b.length;
  };
  /** The fields local and central headers share, from "version needed" to the name length. */
  const common = (f: (typeof files)[number]) => {
    u16(VERSION);
    u16(UTF8_NAMES);
    u16(0); // stored
    u16(time);
    u16(date);
    u32(f.crc);
    u32(f.data.length); // compressed size = size when stored
    u32(f.data.length);
    u16(f.name.length);
    u16(0); // no extra field
  };

  const offsets: number[] = [];
  for (const f of files) {
    offsets.push(at);
    u32(0x04034b50);
    common(f);
    bytes(f.name);
    bytes(f.data);
  }
  const centralStart = at;
  files.forEach((f, i) => {
    u32(0x02014b50);
    u16(VERSION); // made by: MS-DOS attributes, version 2.0
    common(f);
    u16(0); // comment length
    u16(0); // disk number
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(offsets[i]!);
    bytes(f.name);
  });
  u32(0x06054b50);
  u16(0);
  u16(0);
  u16(files.length);
  u16(files.length);
  u32(centralSize);
  u32(centralStart);
  u16(0);
  return out;
}
