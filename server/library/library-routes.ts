/**
 * The workflow library's REST API on the app server (only for the editor's own pages, like /api):
 *
 *   GET    /app/workflows                         → { workflows: [{ name, modified, bytes }] } newest first
 *   GET    /app/workflows/<name>                  → the workflow file
 *   PUT    /app/workflows/<name>[?overwrite=1]    ← the workflow file; 409 when it exists and overwrite is not set
 *   DELETE /app/workflows/<name>
 *   POST   /app/workflows/<name>/rename           ← { "to": "<new name>" }
 *   POST   /app/workflows/<name>/duplicate        ← { "to": "<new name>" }
 *
 * Names are URL-encoded path segments, validated (compiler/workflow-file/library-names.ts) before
 * any file is touched;
 * bodies are bounded and validated with zod (and as workflow files) before anything is written.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { megabytes } from '../../compiler/text-size.ts';
import { BodyTooLarge, readBody } from '../app/read-body.ts';
import { LibraryError, MAX_LIBRARY_FILE_BYTES, type LibraryStore } from './library-store.ts';

export const LIBRARY_PATH = '/app/workflows';

const actionBody = z.object({ to: z.string().max(200) }).strict();

type Send = (res: ServerResponse, status: number, value: unknown) => void;

/** `/app/workflows/<name>[/<action>]` → its parts; null when the path is not one of ours. */
function parsePath(pathname: string): { name: string | null; action: string | null } | null {
  if (pathname === LIBRARY_PATH || pathname === `${LIBRARY_PATH}/`) return { name: null, action: null };
  const rest = pathname.slice(LIBRARY_PATH.length + 1).split('/');
  if (rest.length > 2 || rest.some((s) => s === '')) return null;
  let name: string;
  try {
    name = decodeURIComponent(rest[0]!);
  } catch {
    return null;
  }
  return { name, action: rest[1] ?? null };
}

export async function handleLibrary(
  req: IncomingMessage,
  res: ServerResponse,
  store: LibraryStore,
  send: Send,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const method = req.method ?? 'GET';
  const parts = parsePath(url.pathname);
  if (!parts) return send(res, 404, { detail: 'not a library path' });
  try {
    if (parts.name === null) {
      if (method !== 'GET') return send(res, 405, { detail: 'Method Not Allowed' });
      return send(res, 200, { workflows: await store.list() });
    }
    const name = parts.name;
    if (parts.action === null) {
      if (method === 'GET') {
        const text = await store.read(name);
        res
          .writeHead(200, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(text),
            'cache-control': 'no-store',
          })
          .end(text);
        return;
      }
      if (method === 'PUT') {
        const text = await readBody(req, MAX_LIBRARY_FILE_BYTES);
        const entry = await store.write(name, text, { overwrite: url.searchParams.get('overwrite') === '1' });
        return send(res, 200, entry);
      }
      if (method === 'DELETE') {
        await store.remove(name);
        return send(res, 200, { deleted: name });
      }
      return send(res, 405, { detail: 'Method Not Allowed' });
    }
    if (parts.action !== 'rename' && parts.action !== 'duplicate')
      return send(res, 404, { detail: 'not a library path' });
    if (method !== 'POST') return send(res, 405, { detail: 'Method Not Allowed' });
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, 4096));
    } catch (err) {
      if (err instanceof BodyTooLarge) throw err;
      return send(res, 422, { detail: 'Send {"to": "<new name>"} as JSON.' });
    }
    const parsed = actionBody.safeParse(body);
    if (!parsed.success) return send(res, 422, { detail: 'Send {"to": "<new name>"} as JSON.' });
    const entry =
      parts.action === 'rename'
        ? await store.rename(name, parsed.data.to)
        : await store.duplicate(name, parsed.data.to);
    return send(res, 200, entry);
  } catch (err) {
    if (err instanceof LibraryError) return send(res, err.status, { detail: err.message });
    if (err instanceof BodyTooLarge)
      return send(res, 413, { detail: `the body is larger than ${megabytes(MAX_LIBRARY_FILE_BYTES)}` });
    console.error('[app] library error:', err);
    return send(res, 500, {
      detail: 'the library folder could not be read or written (see the app server log)',
    });
  }
}
