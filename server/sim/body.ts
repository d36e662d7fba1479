/**
 * FastAPI's request-body reading: JSON when the content type is JSON (or missing, as older FastAPI
 * versions did), raw text otherwise (which then fails model validation), and `json_invalid` 422s with
 * Python's message and character offset.
 */
import { BodyTooLargeError, readBody, sendJson, type Ctx } from './http.ts';
import { parsePyJson, PyJsonError } from './pyjson.ts';

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return true;
  const type = value.split(';')[0]!.trim().toLowerCase();
  const [main, sub] = type.split('/');
  return main === 'application' && (sub === 'json' || (sub ?? '').endsWith('+json'));
}

/** Resolves with the body (`undefined` when empty), or null after answering a 422 itself. */
export async function readFastApiBody(ctx: Ctx): Promise<{ body: unknown } | null> {
  let raw: Buffer;
  try {
    raw = await readBody(ctx.req);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    // Said clearly, then the connection is closed: the rest of the body is not read.
    ctx.res.setHeader('connection', 'close');
    sendJson(ctx, 413, { detail: `Request body too large: ${err.message}` });
    ctx.req.resume();
    return null;
  }
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
