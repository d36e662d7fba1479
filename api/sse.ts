/**
 * A Server-Sent Events parser fed with raw chunks. The streaming generate is a POST, so the browser's
 * EventSource cannot be used (contract §5.3); we read `fetch().body` and parse by hand.
 *
 * FooocusAPI frames each update as `data: <json>\r\ndata: \r\n\r\n` (its text ends with "\n", which
 * sse-starlette turns into a second, empty data line), and may send `: ping` comments. The parser
 * follows the WHATWG rules: lines end in CRLF, LF or CR; a blank line dispatches; `:` lines are
 * comments. Chunks may split anywhere, including between the CR and LF of one line break and inside
 * a multi-byte UTF-8 character.
 */

import { FooocusApiError, messages } from './errors.ts';

/**
 * The most one event (its lines together) may hold. FooocusAPI's events are progress updates of a
 * few hundred bytes and a final one with the results (URLs, or base64 images of a few MB); a server
 * that never ends its line would otherwise grow one string until the tab runs out of memory.
 */
export const MAX_SSE_EVENT_CHARS = 64 * 1024 * 1024;

export interface SseEvent {
  event: string;
  data: string;
  id?: string | undefined;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private line = '';
  /** The previous chunk ended in CR: an LF at the start of the next one belongs to that break. */
  private afterCr = false;
  private data: string[] = [];
  /** Characters held for the event being read (its data lines and the current line). */
  private held = 0;
  private eventName = '';
  private lastId: string | undefined;

  constructor(private readonly maxEventChars = MAX_SSE_EVENT_CHARS) {}

  /**
   * Feed bytes (or already decoded text); returns the events completed by this chunk. Throws a
   * `bad-reply` FooocusApiError when one event grows past the limit.
   */
  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: SseEvent[] = [];
    let i = 0;
    if (this.afterCr && text.length > 0) {
      this.afterCr = false;
      if (text[0] === '\n') i = 1;
    }
    // Whole runs of text between line breaks are sliced at once: linear in the chunk's length.
    while (i < text.length) {
      let end = i;
      while (end < text.length && text.charCodeAt(end) !== 13 && text.charCodeAt(end) !== 10) end++;
      this.line += text.slice(i, end);
      this.guard(this.line.length);
      if (end === text.length) break;
      const cr = text.charCodeAt(end) === 13;
      i = end + 1;
      if (cr) {
        if (i === text.length) this.afterCr = true;
        else if (text.charCodeAt(i) === 10) i++;
      }
      const ev = this.takeLine();
      if (ev) out.push(ev);
    }
    return out;
  }

  private guard(extra: number): void {
    if (this.held + extra <= this.maxEventChars) return;
    this.line = '';
    this.data = [];
    this.held = 0;
    throw new FooocusApiError({
      kind: 'bad-reply',
      ...messages.badReply(
        'the event stream',
        `an event longer than ${Math.round(this.maxEventChars / 1048576)} MB (it never ended)`,
      ),
    });
  }

  /** End of input: per the SSE rules, an event without its closing blank line is discarded. */
  end(): SseEvent[] {
    this.decoder.decode();
    this.line = '';
    this.data = [];
    this.held = 0;
    return [];
  }

  private takeLine(): SseEvent | undefined {
    const line = this.line;
    this.line = '';
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.held += value.length + 1;
    } else if (field === 'event') this.eventName = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    if (this.data.length === 0) {
      this.eventName = '';
      return undefined;
    }
    const ev: SseEvent = { event: this.eventName || 'message', data: this.data.join('\n'), id: this.lastId };
    this.data = [];
    this.held = 0;
    this.eventName = '';
    return ev;
  }
}

/** Iterate the events of a byte stream (a fetch body). Stops early when the consumer breaks out. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(value);
    }
    yield* parser.end();
  } finally {
    // Releasing the lock after cancel() ends the HTTP body when the consumer stops early.
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
