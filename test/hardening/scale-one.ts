/**
 * One size-scaled measurement, in its own process so its peak memory is its own:
 * `node --import tsx test/hardening/scale-one.ts <parser index> <MB>` prints one JSON line with the
 * time of the parse (wall and CPU: on a loaded machine wall time also counts waiting for a core, so
 * linearity is judged on CPU time) and the process's peak resident memory.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../compiler/helpers.ts';
import { loadTargets } from './fuzz/targets.ts';

const MB = 1024 * 1024;

/** Bytes that start like a 64×64 PNG and go on for `size` bytes (a big photo, as far as parsers care). */
function pngLike(size: number): Buffer {
  const b = Buffer.alloc(size, 0x5a);
  Buffer.from('89504e470d0a1a0a0000000d4948445200000040000000400806000000', 'hex').copy(b);
  return b;
}

function workflowOf(mb: number): string {
  const wf = JSON.parse(
    readFileSync(join(FIXTURES, 'workflows/template-inpaint-image-prompt.json'), 'utf8'),
  ) as {
    nodes: { id: string; params?: Record<string, unknown> }[];
  };
  const bytes = pngLike(Math.floor((mb * MB * 3) / 4));
  wf.nodes.find((n) => n.id === 'inputImage-1')!.params!.image =
    `data:image/png;base64,${bytes.toString('base64')}`;
  return JSON.stringify(wf);
}

function requestOf(mb: number): string {
  const bytes = pngLike(Math.floor((mb * MB * 3) / 4));
  return JSON.stringify({
    prompt: 'a fox',
    uov_method: 'Vary (Subtle)',
    uov_input_image: bytes.toString('base64'),
  });
}

function taskListOf(mb: number): string {
  const record = (i: number) => ({
    id: i,
    task_id: createHash('md5').update(String(i)).digest('hex'),
    req_params: { prompt: 'a red fox in the snow, '.repeat(30), image_number: 1 },
    in_queue_mills: 1733000000000 + i,
    start_mills: null,
    finish_mills: null,
    task_status: 'finished',
    progress: 100,
    result: ['http://127.0.0.1:7866/outputs/2024-12-01/x.png'],
  });
  const one = JSON.stringify(record(0)).length;
  const n = Math.floor((mb * MB) / one);
  return JSON.stringify({
    history: Array.from({ length: n }, (_, i) => record(i)),
    current: [],
    pending: [],
  });
}

function sseOf(mb: number): string {
  const event = `data: ${JSON.stringify({ progress: 13, preview: null, message: 'Sampling step 4/30 '.repeat(40) })}\r\ndata: \r\n\r\n`;
  return event.repeat(Math.floor((mb * MB) / event.length));
}

function clipboardOf(mb: number): string {
  const nodes = [];
  const prompt = 'a red fox in the snow, '.repeat(90);
  for (let size = 0, i = 0; size < mb * MB; i++) {
    const n = {
      id: `p${i}`,
      kind: 'promptSettings',
      kindVersion: 1,
      params: { prompt },
      position: { x: i, y: 0 },
    };
    size += JSON.stringify(n).length;
    nodes.push(n);
  }
  return JSON.stringify({
    format: 'fooocus-flow/clipboard',
    version: 1,
    workflowVersion: 1,
    nodes,
    edges: [],
  });
}

/** A JPEG whose frame header sits behind `mb` MB of APP segments (the header walk must stay linear). */
function jpegOf(mb: number): Uint8Array {
  const app = Buffer.alloc(65535 + 2, 0x20);
  app[0] = 0xff;
  app[1] = 0xe2;
  app.writeUInt16BE(65535, 2);
  const count = Math.floor((mb * MB) / app.length);
  const sof = Buffer.from('ffc0000b08004000400301220003', 'hex');
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8]), ...Array(count).fill(app), sof]));
}

const BUILD = [workflowOf, requestOf, taskListOf, sseOf, clipboardOf, jpegOf];

const [index, mb] = process.argv.slice(2).map(Number) as [number, number];
const targets = await loadTargets();
const input = BUILD[index]!(mb);
const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let outcome = 'ok';
try {
  await targets[index]!.run(input as never);
} catch (err) {
  outcome = targets[index]!.isTyped(err) ? 'refused' : `CRASH ${(err as Error).message}`;
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ index, mb: size / MB, ms, cpuMs, peakMb, outcome }));
