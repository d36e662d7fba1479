/**
 * The one place that calls `fetch`: fixed headers, time limits, and HTTP failures turned into
 * `FooocusApiError`s (contract §1.3–1.7, §5.7).
 */
import {
  MAX_REPLY_BYTES,
  readBodyText,
  readErrorText,
  ReplyTooLargeError,
  replyTooLarge,
} from './bounded-body.ts';
import { deadline, type Deadline } from './deadline.ts';
import { FooocusApiError, messages, type ValidationDetail } from './errors.ts';
import { validationBodySchema } from './schemas.ts';
import { endpoint } from './urls.ts';

export interface HttpContext {
  base: string;
  apiKey: string | undefined;
  fetch: typeof fetch;
  /** Limit for one plain request (the whole reply). Streams: until the headers arrive. */
  timeoutMs: number | undefined;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number> | undefined;
  body?: unknown;
  /** Words for messages: "the generate request", "GET /tasks/abc". */
  what: string;
  signal?: AbortSignal | undefined;
  /** Overrides the context's limit; `Infinity` for none. */
  timeoutMs?: number | undefined;
  accept?: string | undefined;
}

function headers(ctx: HttpContext, call: HttpCall): Record<string, string> {
  // Accept is mandatory: without it FooocusAPI answers 500 (contract §1.7). X-API-KEY only when set,
  // so a server without a key never sees a stray header.
  const h: Record<string, string> = { Accept: call.accept ?? 'application/json' };
  if (call.body !== undefined) h['Content-Type'] = 'application/json';
  if (ctx.apiKey) h['X-API-KEY'] = ctx.apiKey;
  return h;
}

/** Send the request; resolve with the Response once its status is OK (2xx), else throw a typed error. */
export async function send(ctx: HttpContext, call: HttpCall, limit: Deadline): Promise<Response> {
  let response: Response;
  try {
    response = await ctx.fetch(endpoint(ctx.base, call.path, call.query), {
      method: call.method,
      headers: headers(ctx, call),
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      // Never 'include': FooocusAPI answers `*` with credentials allowed, which browsers refuse (§1.3).
      credentials: 'same-origin',
      signal: limit.signal,
    });
  } catch (e) {
    throw abortOrNetwork(ctx, call, limit, e);
  }
  if (response.ok) return response;
  throw await statusError(response);
}

/** A plain JSON request: the whole reply within the time limit. */
export async function requestJson(ctx: HttpContext, call: HttpCall): Promise<unknown> {
  const limit = deadline(call.signal, call.timeoutMs ?? ctx.timeoutMs);
  try {
    const response = await send(ctx, call, limit);
    let text: string;
    try {
      text = await readBodyText(response, MAX_REPLY_BYTES);
    } catch (e) {
      if (e instanceof ReplyTooLargeError) throw replyTooLarge(call.what, MAX_REPLY_BYTES);
      throw abortOrNetwork(ctx, call, limit, e);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new FooocusApiError({
        kind: 'bad-reply',
        ...messages.badReply(call.what, `not JSON (${JSON.stringify(text.slice(0, 60))})`),
      });
    }
  } finally {
    limit.dispose();
  }
}

/** Turn a fetch rejection into timeout / cancelled / network, depending on what aborted it. */
export function abortOrNetwork(
  ctx: HttpContext,
  call: HttpCall,
  limit: Deadline,
  e: unknown,
): FooocusApiError {
  // The limit is asked first: an inner call aborted by an outer limit reports "cancelled", but the
  // outer limit knows whether it was really the caller or its own timer.
  const why = limit.reason();
  if (why === undefined && e instanceof FooocusApiError) return e;
  if (why === 'timeout') {
    return new FooocusApiError({
      kind: 'timeout',
      ...messages.timeout(call.what, call.timeoutMs ?? ctx.timeoutMs ?? 0),
      cause: e,
    });
  }
  if (why === 'caller') return new FooocusApiError({ kind: 'stopped', ...messages.stopped(true), cause: e });
  return new FooocusApiError({ kind: 'network', ...messages.network(ctx.base), cause: e });
}

async function statusError(response: Response): Promise<FooocusApiError> {
  const text = await readErrorText(response);
  const status = response.status;
  if (status === 403) return new FooocusApiError({ kind: 'forbidden', status, ...messages.forbidden() });
  if (status === 422) {
    const details = parseValidation(text);
    return new FooocusApiError({
      kind: 'validation',
      status,
      details,
      ...messages.validation(summariseValidation(details, text)),
    });
  }
  return new FooocusApiError({
    kind: 'server',
    status,
    ...messages.server(status, text.trim().slice(0, 200)),
  });
}

function parseValidation(text: string): ValidationDetail[] {
  try {
    const parsed = validationBodySchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data.detail as ValidationDetail[]) : [];
  } catch {
    return [];
  }
}

/** "image_number: Input should be less than or equal to 32; loras.0.enabled: Field required" */
export function summariseValidation(details: ValidationDetail[], raw: string): string {
  if (details.length === 0) return raw.slice(0, 200) || 'no details given';
  return details
    .map((d) => {
      const path = locToPath(d.loc);
      return path ? `${path}: ${d.msg}` : d.msg;
    })
    .join('; ');
}

/** `["body","controlnet_image",0,"cn_weight"]` → `controlnet_image.0.cn_weight` (query/path keep their prefix). */
export function locToPath(loc: readonly (string | number)[]): string {
  const parts = loc[0] === 'body' ? loc.slice(1) : loc;
  return parts.map(String).join('.');
}
