/**
 * Addresses of the FooocusAPI routes, and re-basing of result URLs. The server builds result URLs
 * from its `--base-url` (default `http://127.0.0.1:7866`) whatever address it was reached at
 * (contract §1.2), so a client on another machine must keep the path and use its own origin.
 */

/** Trailing slash matters: the real route is `/v1/engine/generate/`; without it the server answers 307. */
export const GENERATE_PATH = '/v1/engine/generate/';
export const CONTROL_PATH = '/v1/engine/control';
export const TASKS_PATH = '/tasks';
export const MODELS_PATH = '/v1/engines/all-models';
export const STYLES_PATH = '/v1/engines/styles';
export const DESCRIBE_PATH = '/v1/tools/describe-image';
export const MASK_PATH = '/v1/tools/generate_mask';

/**
 * The configured base URL without a trailing slash. A base with a path (a reverse proxy under
 * `/fooocus`) is kept, so routes are appended to it rather than resolved against the origin.
 */
export function normaliseBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function endpoint(base: string, path: string, query?: Record<string, string | number>): string {
  const url = `${base}${path}`;
  if (!query) return url;
  const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return `${url}?${params.toString()}`;
}

/**
 * Re-base a result URL (`http://127.0.0.1:7866/outputs/2024-07-26/x.png`) onto the configured server:
 * the path from `/outputs/` or `/inputs/` on is kept, with its query; everything before it is replaced.
 * Relative URLs are resolved against the base. Other URLs are returned unchanged.
 */
export function rebaseResultUrl(base: string, resultUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(resultUrl, `${base}/`);
  } catch {
    return resultUrl;
  }
  const at = parsed.pathname.search(/\/(outputs|inputs)\//);
  if (at < 0) return parsed.href;
  return `${base}${parsed.pathname.slice(at)}${parsed.search}`;
}
