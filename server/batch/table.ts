/**
 * `--table items.csv|items.jsonl`: one item per row, columns named after the workflow's exposed
 * parameters. The file is untrusted: it is refused by its size before it is read, every row is
 * checked (zod) with limits on rows, columns and cell bytes, and every error names the file, the row
 * (line for JSONL) and the column.
 */
import { z } from 'zod';
import { readInput } from '../file-io.ts';

export const TABLE_LIMITS = {
  fileBytes: 16 * 1024 * 1024,
  rows: 10_000,
  columns: 64,
  cellBytes: 64 * 1024,
} as const;

export interface TableRow {
  /** 1-based row number as the user sees it: the CSV data row (header is row 0), the JSONL line. */
  row: number;
  /** How an error names it: `items.csv row 3`, `items.jsonl line 4`. */
  where: string;
  values: Record<string, string>;
}

export class TableError extends Error {}

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

const cellSchema = z
  .string()
  .refine((s) => byteLength(s) <= TABLE_LIMITS.cellBytes, `longer than ${TABLE_LIMITS.cellBytes} bytes`);

const jsonlRowSchema = z
  .record(
    z.string().min(1, 'empty column name').max(200, 'column name longer than 200 characters'),
    z.union([cellSchema, z.number().finite(), z.boolean()]),
  )
  .refine((r) => Object.keys(r).length <= TABLE_LIMITS.columns, `more than ${TABLE_LIMITS.columns} columns`);

export async function readTable(path: string): Promise<TableRow[]> {
  const read = await readInput(path, TABLE_LIMITS.fileBytes);
  if (!read.ok) throw new TableError(read.message);
  if (/\.jsonl$/i.test(path)) return parseJsonl(read.text, path);
  if (/\.csv$/i.test(path)) return parseCsv(read.text, path);
  throw new TableError(`${path}: a table must be a .csv or .jsonl file`);
}

function checkRowCount(n: number, path: string): void {
  if (n > TABLE_LIMITS.rows)
    throw new TableError(`${path}: more than ${TABLE_LIMITS.rows} rows; split the batch into several tables`);
}

export function parseJsonl(text: string, path: string): TableRow[] {
  const rows: TableRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    checkRowCount(rows.length + 1, path);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new TableError(`${path} line ${i + 1}: not valid JSON (each line must be one JSON object)`);
    }
    const parsed = jsonlRowSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const column = issue.path.length ? `, column "${String(issue.path[0])}"` : '';
      const what =
        issue.code === 'invalid_type' && issue.path.length === 0
          ? 'expected one JSON object like {"prompt": "…"}'
          : issue.code === 'invalid_union'
            ? 'a value must be a string, a number or true/false'
            : issue.message;
      throw new TableError(`${path} line ${i + 1}${column}: ${what}`);
    }
    rows.push({
      row: i + 1,
      where: `${path} line ${i + 1}`,
      values: Object.fromEntries(Object.entries(parsed.data).map(([k, v]) => [k, String(v)])),
    });
  });
  return rows;
}

/** RFC 4180: comma separated, `"` quotes (doubled inside), CRLF or LF; a UTF-8 BOM is skipped. */
export function parseCsv(text: string, path: string): TableRow[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endCell = () => {
    if (byteLength(cell) > TABLE_LIMITS.cellBytes)
      throw new TableError(
        `${path} line ${recordLine}, column ${cells.length + 1}: longer than ${TABLE_LIMITS.cellBytes} bytes`,
      );
    cells.push(cell);
    cell = '';
    if (cells.length > TABLE_LIMITS.columns)
      throw new TableError(`${path} line ${recordLine}: more than ${TABLE_LIMITS.columns} columns`);
  };
  const endRecord = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
    checkRowCount(records.length - 1, path);
    cells = [];
    recordLine = line;
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"') {
      if (cell !== '')
        throw new TableError(`${path} line ${line}: a quote inside an unquoted cell; quote the whole cell`);
      quoted = true;
    } else if (c === ',') endCell();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRecord();
    } else cell += c;
  }
  if (quoted) throw new TableError(`${path} line ${recordLine}: a quoted cell is never closed`);
  if (cell !== '' || cells.length > 0) endRecord();
  const [header, ...data] = records;
  if (!header) throw new TableError(`${path}: empty; the first line names the columns (exposed parameters)`);
  const names = header.cells.map((c) => c.trim());
  names.forEach((n, col) => {
    if (n === '') throw new TableError(`${path} line ${header.line}, column ${col + 1}: empty column name`);
    if (names.indexOf(n) !== col)
      throw new TableError(`${path} line ${header.line}: column "${n}" appears twice`);
  });
  return data.map((r, index) => {
    if (r.cells.length !== names.length)
      throw new TableError(
        `${path} row ${index + 1} (line ${r.line}): ${r.cells.length} cells, but the header has ${names.length} columns`,
      );
    return {
      row: index + 1,
      where: `${path} row ${index + 1}`,
      values: Object.fromEntries(names.map((n, c) => [n, r.cells[c]!])),
    };
  });
}
