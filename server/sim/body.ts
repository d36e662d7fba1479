/**
 * FastAPI's request-body reading: JSON when the content type is JSON (or missing, as older FastAPI
 * versions did), raw text otherwise (which then fails model validation), and `json_invalid` 422s with
 * Python's message and character offset.
 */
import { readBody, sendJson, type Ctx } from './http.ts';
import { parsePyJson, PyJsonError } from './pyjson.ts';

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return true;
  const type = value.split(';')[0]!.trim().toLowerCase();
  const [main, sub] = type.split('/');
  return main === 'application' && (sub === 'json' || (sub ?? '').endsWith('+json'));
}

/** Resolves with the body (`undefined` when empty), or null after answering a 422 itself. */
export async function readFastApiBody(ctx: Ctx): Promise<{ body: unknown } | null> {
  const raw = await readBody(ctx.req);
  if (raw.length === 0) return { body: undefined };
  const text = raw.toString('utf8');
  if (!isJsonContentType(ctx.req.headers['content-type'])) return { body: text };
  try {
    return { body: parsePyJson(text) };
  } catch (err) {
    if (!(err instanceof PyJsonError)) throw err;
    sendJson(ctx, 422, {
      detail: [
        {
          type: 'json_invalid',
          loc: ['body', err.pos],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: err.pyMessage },
        },
      ],
    });
    return null;
  }
}
