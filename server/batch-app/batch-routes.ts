/**
 * "Run as batch…" on the app server (only for the editor's own pages, like /api and the library):
 *
 *   GET  /app/batches                        → { batches: [{ id, workflowName, createdAt }] } newest first
 *   POST /app/batches                        ← { workflow: "<workflow file text>", input: "<exposed image name>" } → { id }
 *   PUT  /app/batches/<id>/inputs/<name>     ← the image's bytes (PNG, JPEG or WebP) → { name } (made unique)
 *   GET  /app/batches/<id>/inputs/<name>     → that image
 *   POST /app/batches/<id>/start             starts the batch, or resumes a stopped one → its status
 *   POST /app/batches/<id>/stop              stops the running tasks on their servers (confirmed) → its status
 *   GET  /app/batches/<id>                   → its status: state, every item (state, reason, files), servers
 *   GET  /app/batches/<id>/workflow          → the workflow file the batch was made from (read-only)
 *   GET  /app/batches/<id>/files/<path>      → a result or thumbnail the manifest lists (nothing else)
 *   GET  /app/batches/<id>/zip               → every result with manifest.json, index.html, results.csv
 *
 * The editor polls the status (about twice a second while the dialog is open) rather than holding an
 * event stream: the status is small, a poll survives a reload or a restarted app server with no
 * reconnect logic, and it adds no long-lived connection for the server's time limits to cut.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Zip, ZipPassThrough } from 'fflate';
import { z } from 'zod';
import { megabytes } from '../../compiler/text-size.ts';
import { readImageHeader } from '../../compiler/prepare/image-header.ts';
import { BodyTooLarge, readBody, readBodyBytes } from '../app/read-body.ts';
import { BatchError } from '../batch/batch-setup.ts';
import { MAX_LIBRARY_FILE_BYTES } from '../library/library-store.ts';
import { NotFound, type BatchRegistry } from './batch-registry.ts';

export const BATCH_PATH = '/app/batches';
/** One uploaded image at most (the pixel budget refuses larger pictures anyway). */
export const MAX_BATCH_IMAGE_BYTES = 64 * 1024 * 1024;

const createBody = z
  .object({ workflow: z.string().min(2).max(MAX_LIBRARY_FILE_BYTES), input: z.string().min(1).max(200) })
  .strict();

type Send = (res: ServerResponse, status: number, value: unknown) => void;

const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};
const typeOf = (name: string) =>
  TYPES[/\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';

function sendFile(res: ServerResponse, path: string, type: string, size: number): void {
  res.writeHead(200, { 'content-type': type, 'content-length': size, 'cache-control': 'no-store' });
  createReadStream(path)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Every file under `dir` (relative, `/`-separated), sorted; half-written temporary files left out. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(join(dir, prefix), { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile() && !e.name.endsWith('.tmp')) out.push(rel);
  }
  return out;
}

/** The results folder as one zip, streamed: images are stored as they are (already compressed). */
async function sendZip(res: ServerResponse, dir: string, name: string): Promise<void> {
  const files = await listFiles(dir);
  res.writeHead(200, {
    'content-type': 'application/zip',
    'content-disposition': `attachment; filename="${name}.zip"`,
    'cache-control': 'no-store',
  });
  const zip = new Zip((err, chunk, final) => {
    if (err) return res.destroy(err);
    res.write(chunk);
    if (final) res.end();
  });
  for (const rel of files) {
    const entry = new ZipPassThrough(`${name}/${rel}`);
    zip.add(entry);
    entry.push(new Uint8Array(await readFile(join(dir, rel))), true);
    if (res.writableNeedDrain) await new Promise((r) => res.once('drain', r));
  }
  zip.end();
}

function parsePath(pathname: string): string[] | null {
  if (pathname === BATCH_PATH) return [];
  const rest = pathname.slice(BATCH_PATH.length + 1).split('/');
  try {
    const parts = rest.map((s) => decodeURIComponent(s));
    return parts.some((s) => s === '' || s === '.' || s === '..') ? null : parts;
  } catch {
    return null;
  }
}

export async function handleBatches(
  req: IncomingMessage,
  res: ServerResponse,
  batches: BatchRegistry,
  send: Send,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const method = req.method ?? 'GET';
  const parts = parsePath(url.pathname);
  if (!parts) return send(res, 404, { detail: 'not a batch path' });
  const [id, action, ...rest] = parts;
  const only = (m: string) => {
    if (method === m) return false;
    send(res, 405, { detail: 'Method Not Allowed' });
    return true;
  };
  try {
    if (id === undefined) {
      if (method === 'GET') return send(res, 200, { batches: await batches.list() });
      if (only('POST')) return;
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req, MAX_LIBRARY_FILE_BYTES + 4096));
      } catch (err) {
        if (err instanceof BodyTooLarge) throw err;
        return send(res, 422, { detail: 'Send {"workflow": "<workflow file>", "input": "<name>"} as JSON.' });
      }
      const parsed = createBody.safeParse(body);
      if (!parsed.success)
        return send(res, 422, { detail: 'Send {"workflow": "<workflow file>", "input": "<name>"} as JSON.' });
      return send(res, 201, { id: await batches.create(parsed.data.workflow, parsed.data.input) });
    }
    if (action === undefined) {
      if (only('GET')) return;
      return send(res, 200, await batches.status(id));
    }
    if (action === 'start' || action === 'stop') {
      if (rest.length > 0) return send(res, 404, { detail: 'not a batch path' });
      if (only('POST')) return;
      if (action === 'start') await batches.start(id);
      else await batches.stop(id);
      return send(res, 200, await batches.status(id));
    }
    if (action === 'workflow' && rest.length === 0) {
      if (only('GET')) return;
      return send(res, 200, await batches.workflowJson(id));
    }
    if (action === 'inputs' && rest.length === 1) {
      const name = rest[0]!;
      if (method === 'PUT') {
        const bytes = await readBodyBytes(req, MAX_BATCH_IMAGE_BYTES);
        const type = readImageHeader(bytes)?.type;
        if (type !== 'image/png' && type !== 'image/jpeg' && type !== 'image/webp')
          return send(res, 422, { detail: `${name}: not a PNG, JPEG or WebP image` });
        return send(res, 201, { name: await batches.addInput(id, name, bytes) });
      }
      if (only('GET')) return;
      const path = await batches.inputFile(id, name);
      if (!path) return send(res, 404, { detail: `no input ${name} in batch ${id}` });
      return sendFile(res, path, typeOf(name), (await stat(path)).size);
    }
    if (action === 'files' && rest.length > 0) {
      if (only('GET')) return;
      const rel = rest.join('/');
      const manifest = await batches.readManifest(id);
      // Only what the manifest lists: never a path the request makes up.
      const listed = new Set(
        (manifest?.items ?? []).flatMap((i) => [
          ...(i.files ?? []),
          ...(i.thumbs?.results ?? []),
          ...(i.thumbs?.input ? [i.thumbs.input] : []),
        ]),
      );
      if (!listed.has(rel)) return send(res, 404, { detail: `no file ${rel} in batch ${id}` });
      const path = join(batches.resultsFolder(id), rel);
      return sendFile(res, path, rel.endsWith('.jpg') ? 'image/jpeg' : typeOf(rel), (await stat(path)).size);
    }
    if (action === 'zip' && rest.length === 0) {
      if (only('GET')) return;
      const status = await batches.status(id);
      if (status.state === 'new')
        return send(res, 409, { detail: 'The batch has not started: nothing to download yet' });
      return await sendZip(res, batches.resultsFolder(id), `batch-${id}`);
    }
    return send(res, 404, { detail: 'not a batch path' });
  } catch (err) {
    if (res.headersSent) return void res.destroy();
    if (err instanceof NotFound) return send(res, 404, { detail: err.message });
    if (err instanceof BatchError)
      return send(res, err.kind === 'badInput' ? 422 : 503, { detail: err.message });
    if (err instanceof BodyTooLarge)
      return send(res, 413, {
        detail: `the body is larger than ${megabytes(action === 'inputs' ? MAX_BATCH_IMAGE_BYTES : MAX_LIBRARY_FILE_BYTES)}`,
      });
    console.error('[app] batch error:', err);
    return send(res, 500, {
      detail: 'the batch folder could not be read or written (see the app server log)',
    });
  }
}
