/**
 * Serves the built editor from dist/: real files by extension, `index.html` for client-side routes
 * (SPA fallback), and nothing outside the folder, whatever the encoding of the path.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

function send(
  res: ServerResponse,
  status: number,
  body: Buffer | string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, { 'x-content-type-options': 'nosniff', ...headers }).end(body);
}

async function fileOrNull(path: string): Promise<Buffer | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}

export async function serveStatic(req: IncomingMessage, res: ServerResponse, distDir: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 405, 'Method Not Allowed', { 'content-type': 'text/plain', allow: 'GET, HEAD' });
  const root = resolve(distDir);
  const rawPath = (req.url ?? '/').split('?')[0]!;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return send(res, 400, 'Bad Request', { 'content-type': 'text/plain' });
  }
  if (!path.startsWith('/') || path.includes('\0') || path.includes('\\'))
    return send(res, 400, 'Bad Request', { 'content-type': 'text/plain' });
  const file = resolve(join(root, path));
  if (file !== root && !file.startsWith(root + sep))
    return send(res, 403, 'Forbidden', { 'content-type': 'text/plain' });

  const body = file === root ? null : await fileOrNull(file);
  if (body) {
    const immutable = path.startsWith('/assets/');
    return send(res, 200, body, {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
  // Missing files with an extension are real 404s; anything else is a client-side route.
  if (extname(path) && extname(path) !== '.html')
    return send(res, 404, 'Not Found', { 'content-type': 'text/plain' });
  const index = await fileOrNull(join(root, 'index.html'));
  if (!index)
    return send(
      res,
      503,
      'The editor is not built yet: run `npm run build` (or `npm start`, which builds it).',
      {
        'content-type': 'text/plain; charset=utf-8',
      },
    );
  send(res, 200, index, { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' });
}
