/**
 * The streaming generate (`stream_output: true`): one POST whose body is an SSE stream of progress
 * events ending with `{"message": "Finished", "images": [...]}` (contract §5.3). The stream has no
 * task id and no error event; a worker failure still ends with "Finished" and no images, and a bad
 * input image ends the stream with no events at all.
 */
import type { FooocusRequest } from '../contract/index.ts';
import { deadline } from './deadline.ts';
import { FooocusApiError, messages } from './errors.ts';
import { abortOrNetwork, send, type HttpCall, type HttpContext } from './http.ts';
import { progressFromStream, type ProgressListener } from './progress.ts';
import { parseReply, streamEventSchema, type StreamEvent } from './schemas.ts';
import { readSse } from './sse.ts';
import { GENERATE_PATH } from './urls.ts';

export interface StreamOptions {
  onProgress?: ProgressListener | undefined;
  signal?: AbortSignal | undefined;
  /** Give up after this long (whole stream); default: no limit. */
  timeoutMs?: number | undefined;
}

export interface StreamOutcome {
  /** Result URLs exactly as the server sent them (not re-based). */
  images: string[];
  final: StreamEvent;
  events: number;
  /** Client time when the final event arrived. */
  receivedAt: number;
}

/** The final event: the worker's last update is always "Finished" at 100 (carrying the result URLs). */
export function isFinalEvent(ev: StreamEvent): boolean {
  return ev.message === 'Finished' && ev.progress >= 100;
}

export async function streamGenerate(
  ctx: HttpContext,
  request: FooocusRequest,
  opts: StreamOptions = {},
): Promise<StreamOutcome> {
  const call: HttpCall = {
    method: 'POST',
    path: GENERATE_PATH,
    body: { ...request, stream_output: true, async_process: false },
    what: 'the streaming generate request',
    timeoutMs: opts.timeoutMs,
  };
  const limit = deadline(opts.signal, opts.timeoutMs);
  // The context's per-request limit covers the wait for the reply headers only; the stream itself
  // lasts as long as the generation.
  const headersLimit = deadline(limit.signal, ctx.timeoutMs);
  let events = 0;
  try {
    const response = await send(ctx, { ...call, timeoutMs: ctx.timeoutMs }, headersLimit);
    // The fetch keeps listening to headersLimit, which still follows the outer limit.
    headersLimit.stopTimer();
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream') || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new FooocusApiError({
        kind: 'bad-reply',
        ...messages.badReply(call.what, `expected an event stream, got "${type || 'no content type'}"`),
      });
    }
    try {
      for await (const sse of readSse(response.body)) {
        const text = sse.data.trim();
        if (text === '') continue;
        const event = parseReply(streamEventSchema, parseJson(text, call.what), call.what);
        events++;
        if (isFinalEvent(event)) {
          return { images: event.images ?? [], final: event, events, receivedAt: Date.now() };
        }
        opts.onProgress?.(progressFromStream(event));
      }
    } catch (e) {
      if (e instanceof FooocusApiError && e.kind === 'bad-reply') throw e;
      if (limit.reason()) throw abortOrNetwork(ctx, call, limit, e);
      // A dropped connection mid-body (Node: "terminated", browsers: "network error") is a cut stream.
      throw new FooocusApiError({ kind: 'stream-cut', ...messages.streamCut(events), cause: e });
    }
    throw new FooocusApiError({ kind: 'stream-cut', ...messages.streamCut(events) });
  } catch (e) {
    throw abortOrNetwork(ctx, call, limit, e);
  } finally {
    headersLimit.dispose();
    limit.dispose();
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FooocusApiError({
      kind: 'bad-reply',
      ...messages.badReply(what, `an event that is not JSON (${JSON.stringify(text.slice(0, 60))})`),
    });
  }
}
