/**
 * The one FooocusAPI the app server forwards to, changeable from the editor's Settings.
 *
 * The proxy still has exactly one target at any time (the one-target guard of proxy.ts): changing it
 * replaces it, it never adds a second. Who may change it is narrower than who may use /api:
 * - the request must come from the editor's own page: `Origin` present and equal to this server's
 *   origin (or a trusted origin), `Sec-Fetch-Site: same-origin` when the browser sends it;
 * - it must carry this process's token (`X-Fooocus-Flow-Token`), which only /app/config tells, and
 *   /app/config can only be read by a same-origin page (no CORS headers, Host checked against DNS
 *   rebinding). The CLI and other web pages therefore cannot redirect the editor's runs.
 * The address must be an absolute http(s) URL without credentials, query or fragment.
 *
 * The API key given at start-up belongs to the server it was given for: it is added only while the
 * target is that server again, never sent to an address typed later.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

export const TARGET_PATH = '/app/target';
export const TOKEN_HEADER = 'x-fooocus-flow-token';

/** An address the proxy may forward to, as a URL string normalised without a trailing slash. */
export const targetUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .transform((text, ctx) => {
    const problem = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return problem('Give a full address like http://192.168.1.20:7866');
    }
    if (!/^https?:$/.test(url.protocol)) return problem('The address must start with http:// or https://');
    if (url.username || url.password) return problem('The address must not contain a user or password');
    if (url.search || url.hash) return problem('The address must not contain ? or #');
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  });

export const targetBodySchema = z.object({ url: targetUrlSchema }).strict();

export interface ApiTarget {
  origin: string;
  basePath: string;
  /** The start-up key, only while the target is the server it was given for. */
  apiKey: string | undefined;
}

export interface TargetStore {
  current(): ApiTarget;
  /** The address as the editor shows it. */
  url(): string;
  token: string;
  set(url: string): Promise<ApiTarget>;
}

function split(url: string): { origin: string; basePath: string } {
  const u = new URL(url);
  return { origin: u.origin, basePath: u.pathname.replace(/\/+$/, '') };
}

/** Reads the address saved by an earlier Settings change; none, or an invalid one, gives undefined. */
export async function readSavedTarget(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as { apiUrl?: unknown };
    const parsed = targetUrlSchema.safeParse(v.apiUrl);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function createTargetStore(opts: {
  startUrl: string;
  keyUrl: string;
  apiKey: string | undefined;
  settingsFile: string | undefined;
}): TargetStore {
  const keyFor = targetUrlSchema.parse(opts.keyUrl);
  let url = targetUrlSchema.parse(opts.startUrl);
  const make = (): ApiTarget => ({ ...split(url), apiKey: url === keyFor ? opts.apiKey : undefined });
  let target = make();
  return {
    current: () => target,
    url: () => url,
    token: randomBytes(24).toString('base64url'),
    async set(next) {
      url = targetUrlSchema.parse(next);
      target = make();
      if (opts.settingsFile) {
        // Written aside and renamed: a crash mid-write never leaves half a file.
        await mkdir(dirname(opts.settingsFile), { recursive: true });
        const tmp = `${opts.settingsFile}.${process.pid}.tmp`;
        await writeFile(tmp, `${JSON.stringify({ apiUrl: url }, null, 2)}\n`);
        await rename(tmp, opts.settingsFile);
      }
      return target;
    },
  };
}

/** The extra rules for changing the target (on top of the Host check every request passes). */
export function checkTargetChange(
  req: IncomingMessage,
  ownOrigins: ReadonlySet<string>,
  token: string,
): { ok: true } | { ok: false; status: number; reason: string } {
  const origin = req.headers.origin;
  if (!origin || !ownOrigins.has(origin))
    return {
      ok: false,
      status: 403,
      reason: 'the server address can only be changed from the editor itself',
    };
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin')
    return {
      ok: false,
      status: 403,
      reason: 'the server address can only be changed from the editor itself',
    };
  const given = req.headers[TOKEN_HEADER];
  const a = Buffer.from(typeof given === 'string' ? given : '');
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    return { ok: false, status: 403, reason: 'the editor token is missing or stale; reload the editor' };
  return { ok: true };
}
