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
  private eventName = '';
  private lastId: string | undefined;

  /** Feed bytes (or already decoded text); returns the events completed by this chunk. */
  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: SseEvent[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.afterCr) {
        this.afterCr = false;
        if (ch === '\n') continue;
      }
      if (ch === '\r' || ch === '\n') {
        this.afterCr = ch === '\r';
        const ev = this.takeLine();
        if (ev) out.push(ev);
      } else {
        this.line += ch;
      }
    }
    return out;
  }

  /** End of input: per the SSE rules, an event without its closing blank line is discarded. */
  end(): SseEvent[] {
    this.decoder.decode();
    this.line = '';
    this.data = [];
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
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventName = value;
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
