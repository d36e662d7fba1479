/**
 * Which run of the server is answering: FooocusAPI declares `get_tasks(..., end_at: str =
 * datetime.now().isoformat())` (apis/routes/query.py), a Python default evaluated once, when the
 * server starts, and FastAPI publishes it in `/openapi.json` (contract §6.1). The string changes on
 * every restart (it has microseconds) and on nothing else, so two reads that differ prove the server
 * restarted between them — and a restart empties FooocusAPI's in-memory queue (runtime doc §1).
 *
 * It is only ever compared for equality: it is the server's local time, which a client cannot
 * place on its own clock. A server that does not publish it (an older build, a proxy in front that
 * hides `/openapi.json`; Fooocus Flow's app server forwards it) gives null, and the caller does without.
 */
import * as z from '../contract/zod-mini.ts';
import { FooocusApiError } from './errors.ts';
import { requestJson, type HttpContext } from './http.ts';
import { TASKS_PATH } from './urls.ts';

const OPENAPI_PATH = '/openapi.json';

const parameterSchema = z.looseObject({
  name: z.string(),
  in: z.optional(z.string()),
  schema: z.optional(z.looseObject({ default: z.optional(z.unknown()) })),
});

const openApiSchema = z.looseObject({
  paths: z.record(
    z.string(),
    z.looseObject({
      get: z.optional(z.looseObject({ parameters: z.optional(z.array(z.unknown())) })),
    }),
  ),
});

/** The `end_at` default of `GET /tasks` in an OpenAPI document, or null when it has none. */
export function bootStampOf(document: unknown): string | null {
  const doc = openApiSchema.safeParse(document);
  if (!doc.success) return null;
  for (const raw of doc.data.paths[TASKS_PATH]?.get?.parameters ?? []) {
    const p = parameterSchema.safeParse(raw);
    if (!p.success || p.data.name !== 'end_at' || p.data.in !== 'query') continue;
    const value = p.data.schema?.default;
    // Bounded: a stamp is ~26 characters; anything long is not one.
    return typeof value === 'string' && value.length > 0 && value.length <= 64 ? value : null;
  }
  return null;
}

type Opts = { signal?: AbortSignal | undefined; timeoutMs?: number | undefined };

/**
 * A reader of the server's start-up stamp: null when the server publishes none. A 404 (nothing
 * published there, e.g. behind the app server) is remembered, so such a client asks once, not on
 * every run. A failed read (refused, timed out) throws: it says nothing about the stamp.
 */
export function bootStampReader(ctx: HttpContext): (opts?: Opts) => Promise<string | null> {
  let unpublished = false;
  return async (opts: Opts = {}) => {
    if (unpublished) return null;
    try {
      const reply = await requestJson(ctx, {
        method: 'GET',
        path: OPENAPI_PATH,
        what: 'GET /openapi.json',
        ...opts,
      });
      return bootStampOf(reply);
    } catch (e) {
      if (!(e instanceof FooocusApiError && e.status === 404)) throw e;
      unpublished = true;
      return null;
    }
  };
}
