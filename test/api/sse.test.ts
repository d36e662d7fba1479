import fc from 'fast-check';
import { SseParser, readSse, type SseEvent } from '../../api/sse.ts';
import { sseFrame } from './fake-server.ts';

const events = [
  { progress: 5, preview: null, message: 'Loading models ...', images: [] },
  {
    progress: 42,
    preview: 'data:image/png;base64,iVBORw0KGgo=',
    message: 'Sampling step 5/30, image 1/2 ...',
    images: [],
  },
  // Non-ASCII on purpose: a split inside a multi-byte character must not corrupt it.
  { progress: 99, preview: null, message: '保存图像 1/2 …', images: [] },
  { progress: 100, preview: null, message: 'Finished', images: ['http://127.0.0.1:7866/outputs/d/a.png'] },
];
const wire = new TextEncoder().encode(
  `: ping - 2024-07-26 16:13:33\r\n\r\n${sseFrame(events[0])}${sseFrame(events[1])}: ping\r\n${sseFrame(events[2])}${sseFrame(events[3])}`,
);

function parseChunks(chunks: Uint8Array[]): unknown[] {
  const parser = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...parser.push(c));
  out.push(...parser.end());
  return out.map((e) => JSON.parse(e.data.trim()));
}

describe('SSE parser', () => {
  it('reads FooocusAPI framing (data line + empty data line, CRLF) and skips comments', () => {
    const parser = new SseParser();
    const got = parser.push(wire);
    expect(got).toHaveLength(4);
    // The empty second data line makes the data end in "\n"; the client trims it.
    expect(got[0]!.data).toBe(`${JSON.stringify(events[0])}\n`);
    expect(got.map((e) => JSON.parse(e.data))).toEqual(events);
  });

  it('gives the same events when the bytes are split at every single boundary', () => {
    for (let i = 0; i <= wire.length; i++) {
      expect(parseChunks([wire.slice(0, i), wire.slice(i)])).toEqual(events);
    }
  });

  it('gives the same events when fed one byte at a time', () => {
    const chunks = Array.from(wire, (_, i) => wire.slice(i, i + 1));
    expect(parseChunks(chunks)).toEqual(events);
  });

  it('gives the same events for any partition of the bytes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: wire.length - 1 }), { maxLength: 40 }), (cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        const bounds = [0, ...sorted, wire.length];
        const chunks = bounds.slice(1).map((end, i) => wire.slice(bounds[i], end));
        expect(parseChunks(chunks)).toEqual(events);
      }),
    );
  });

  it('accepts LF-only and CR-only line ends, and a field without a space', () => {
    const parser = new SseParser();
    expect(parser.push('data:{"a":1}\n\ndata: {"b":2}\r\rdata: x\r\n').map((e) => e.data)).toEqual([
      '{"a":1}',
      '{"b":2}',
    ]);
  });

  it('drops an event that never got its closing blank line (a cut stream)', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"progress": 5}\r\n')).toEqual([]);
    expect(parser.end()).toEqual([]);
  });

  it('reads events from a byte stream', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < wire.length; i += 7) controller.enqueue(wire.slice(i, i + 7));
        controller.close();
      },
    });
    const got: unknown[] = [];
    for await (const ev of readSse(body)) got.push(JSON.parse(ev.data));
    expect(got).toEqual(events);
  });
});
