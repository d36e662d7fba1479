/**
 * Headers every reply of the app server carries, whatever the route (static files, /app/config,
 * proxied FooocusAPI replies, refusals). The editor is one origin: its scripts come from dist/
 * only, it is never framed, and it talks to FooocusAPI through /api on the same origin.
 */
import type { ServerResponse } from 'node:http';

/**
 * - `script-src 'self'`: no inline or injected script, so text from a workflow file or a server
 *   reply can never run even if it reached the DOM as HTML.
 * - `style-src 'unsafe-inline'`: React Flow positions nodes with style attributes.
 * - `img-src`: the editor's own files, decoded uploads (`data:`, `blob:`) and the configured
 *   FooocusAPI (result URLs are normally rewritten under /api, but a reply may name the server).
 * - `worker-src 'self' blob:`: image decoding runs in a worker built into dist/.
 * - `frame-ancestors 'none'`: no other page may frame the editor (clickjacking its Run and Settings).
 */
export function contentSecurityPolicy(apiOrigin: string): string {
  const api = /^https?:\/\/[^\s;,]+$/.test(apiOrigin) ? ` ${apiOrigin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${api}`,
    // data: and blob: because uploads are decoded with fetch(dataUrl).
    "connect-src 'self' data: blob:",
    "worker-src 'self' blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(apiOrigin: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(apiOrigin),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  };
}

/** Set before any route writes its head: `writeHead` merges its own headers with these. */
export function applySecurityHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}
