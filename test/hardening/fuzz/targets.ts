/**
 * The parsers the fuzz harness attacks, each with its real seeds and the check of one input: what
 * counts as a crash (an uncaught throw other than our typed errors), and which refusals have no
 * JSON path or node to point the user at.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { FooocusApiError } from '../../../api/errors.ts';
import {
  parseReply,
  streamEventSchema,
  taskListSchema,
  taskRecordSchema,
  validationBodySchema,
  modelListSchema,
} from '../../../api/schemas.ts';
import { SseParser } from '../../../api/sse.ts';
import { fromClipboardText, toClipboardText } from '../../../compiler/authoring/clipboard.ts';
import { compile } from '../../../compiler/compile.ts';
import { decompileText } from '../../../compiler/decompile.ts';
import { MORE_PATH } from '../../../compiler/error-cap.ts';
import { dataUrlImageProblem, imageProblem } from '../../../compiler/prepare/image-format.ts';
import { readImageHeader } from '../../../compiler/prepare/image-header.ts';
import { dataUrlHeader, isOverBudget } from '../../../compiler/prepare/pixel-budget.ts';
import { openWorkflowText, parseWorkflowText } from '../../../compiler/workflow-file/index.ts';
import { FIXTURES, REPO } from '../../compiler/helpers.ts';
import type { Rng } from './prng.ts';
import { mutateBytes, mutateText } from './mutate.ts';

export interface Target<I> {
  name: string;
  seeds: I[];
  mutate(rng: Rng, seed: I): I;
  /** Throws only on a crash; returns whether a refusal lacked a path or node. */
  run(input: I): Promise<{ pathless: boolean }>;
  /** The throws that are ours and typed (not crashes). */
  isTyped(err: unknown): boolean;
  bytes(input: I): number;
  /** How the real CLI reads this input, when it does: the file to write and the commands to run. */
  cli?(input: I): { file: string; commands: string[][] } | null;
}

const notTyped = () => false;
const textBytes = (s: string) => Buffer.byteLength(s);

function workflowSeeds(): string[] {
  const dir = join(FIXTURES, 'workflows');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** The seed requests of /work/shared/seeds, as kept in test/fixtures/seeds. */
function requestSeeds(): string[] {
  const dir = join(FIXTURES, 'seeds');
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** Replies as FooocusAPI sends them (contract §5, §6): records in each state, lists, events, 422s. */
const REPLY_SEEDS = [
  {
    schema: taskRecordSchema,
    text: '{"id":-1,"task_id":"abc","req_params":{},"in_queue_mills":1,"start_mills":null,"finish_mills":null,"task_status":"pending","progress":0,"preview":null,"webhook_url":"","result":[]}',
  },
  {
    schema: taskRecordSchema,
    text: '{"id":7,"task_id":"4b4f","req_params":{"prompt":"fox","image_number":1,"aspect_ratios_selection":"1152×896"},"in_queue_mills":1733000000000,"start_mills":1733000000100,"finish_mills":1733000009000,"task_status":"finished","progress":100.0,"preview":null,"webhook_url":null,"result":["http://127.0.0.1:7866/outputs/2024-12-01/a.png"]}',
  },
  {
    schema: taskListSchema,
    text: '{"history":[{"task_id":"a","task_status":"finished","result":["u"]}],"current":[{"task_id":"b","task_status":"running","progress":40,"preview":"iVBORw0KGgo="}],"pending":[{"task_id":"c","task_status":null}]}',
  },
  { schema: streamEventSchema, text: '{"progress":13,"preview":null,"message":"Sampling step 4/30"}' },
  {
    schema: streamEventSchema,
    text: '{"progress":100,"preview":null,"message":"Finished","images":["http://127.0.0.1:7866/outputs/x.png"]}',
  },
  {
    schema: validationBodySchema,
    text: '{"detail":[{"type":"less_than_equal","loc":["body","image_number"],"msg":"Input should be less than or equal to 32","input":33,"ctx":{"le":32}}]}',
  },
  {
    schema: modelListSchema,
    text: '{"model_filenames":["juggernautXL_v8Rundiffusion.safetensors"],"lora_filenames":[]}',
  },
];
const REPLY_SCHEMAS = REPLY_SEEDS.map((s) => s.schema);

/** A reply refusal names its field (`field "x"`), the reply as a whole, or that it is not JSON. */
const namesWhere = (e: unknown) =>
  e instanceof FooocusApiError && /field "|the reply|not JSON|event stream/.test(e.message);

async function imageSeeds(): Promise<Uint8Array[]> {
  const base = sharp({ create: { width: 40, height: 30, channels: 3, background: '#c84' } });
  const bmp = Buffer.alloc(54 + 12);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(bmp.length, 2);
  bmp.writeUInt32LE(54, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(2, 18);
  bmp.writeInt32LE(-2, 22);
  bmp.writeUInt16LE(1, 26);
  bmp.writeUInt16LE(24, 28);
  return [
    await base.clone().png().toBuffer(),
    await base.clone().png({ palette: true }).toBuffer(),
    await base.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    await base.clone().webp().toBuffer(),
    await base.clone().webp({ lossless: true }).toBuffer(),
    await base.clone().gif().toBuffer(),
    await base.clone().tiff().toBuffer(),
    bmp,
  ].map((b) => new Uint8Array(b));
}

/** A size read from a header is a whole number ≥ 0, and the budget check agrees with it. */
function checkHeader(h: ReturnType<typeof readImageHeader>): void {
  if (!h) return;
  for (const v of [h.width, h.height, h.orientation])
    if (!Number.isInteger(v) || v < 0) throw new Error(`header reader returned ${JSON.stringify(h)}`);
  if (isOverBudget(h) !== h.width * h.height > 8192 * 8192) throw new Error('budget check disagrees');
}

export async function loadTargets(): Promise<Target<never>[]> {
  const workflows = workflowSeeds();
  const requests = requestSeeds();
  const images = await imageSeeds();
  const clipboard = workflows.map((text) => {
    const parsed = parseWorkflowText(text);
    return parsed.ok ? toClipboardText(parsed.workflow.nodes, parsed.workflow.edges) : text;
  });
  const withImage = (bytes: Uint8Array) => {
    const wf = JSON.parse(
      readFileSync(join(FIXTURES, 'workflows/template-inpaint-image-prompt.json'), 'utf8'),
    ) as {
      nodes: { id: string; params?: Record<string, unknown> }[];
    };
    const url = `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;
    for (const n of wf.nodes) if (n.params && 'image' in n.params) n.params.image = url;
    return JSON.stringify(wf);
  };

  const workflow: Target<string> = {
    name: 'workflow file (open + validate)',
    seeds: workflows,
    mutate: mutateText,
    async run(text) {
      const r = await openWorkflowText(text, 'fuzz.json');
      if (!r.ok) return { pathless: r.errors.some((e) => !e.path && !e.node) };
      compile(r.workflow); // what validate does next: must not throw either
      return { pathless: false };
    },
    isTyped: notTyped,
    bytes: textBytes,
    cli: (text) => ({ file: text, commands: [['validate'], ['compile', '--json']] }),
  };

  const decompile: Target<string> = {
    name: 'decompile request',
    seeds: requests,
    mutate: mutateText,
    async run(text) {
      const r = decompileText(text, 'fuzz');
      return { pathless: !r.ok && r.errors.some((e) => !e.path) };
    },
    isTyped: notTyped,
    bytes: textBytes,
    cli: (text) => ({ file: text, commands: [['decompile']] }),
  };

  const replies: Target<string> = {
    name: 'task records / server replies',
    seeds: REPLY_SEEDS.map((s) => s.text),
    mutate: mutateText,
    async run(text) {
      // As requestJson does: JSON first, then the schema of the call; every schema sees every input.
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { pathless: false }; // requestJson turns this into a bad-reply "not JSON"
      }
      let pathless = false;
      for (const schema of REPLY_SCHEMAS) {
        try {
          parseReply(schema as never, json, 'the reply');
        } catch (e) {
          if (!(e instanceof FooocusApiError)) throw e;
          pathless ||= !namesWhere(e);
        }
      }
      return { pathless };
    },
    isTyped: notTyped,
    bytes: textBytes,
  };

  const sseSeeds = REPLY_SEEDS.filter((s) => s.schema === streamEventSchema).map(
    (s) => `: ping\r\n\r\ndata: ${s.text}\r\ndata: \r\n\r\nevent: x\nid: 1\ndata: ${s.text}\n\n`,
  );
  const sse: Target<string> = {
    name: 'SSE parser (+ stream events)',
    seeds: sseSeeds,
    mutate: mutateText,
    async run(text) {
      const parser = new SseParser();
      const bytes = new TextEncoder().encode(text);
      // Chunks cut at fixed odd sizes: splits land inside CRLF pairs and UTF-8 characters. A
      // size-scaled stream (over 512 KB) comes in 64 KB pieces, as a network delivers it: 7-byte
      // pieces would measure millions of calls, not the parser.
      const step = bytes.length > 512 * 1024 ? 65536 : 7;
      const events = [];
      for (let i = 0; i < bytes.length; i += step) events.push(...parser.push(bytes.subarray(i, i + step)));
      events.push(...parser.end());
      let pathless = false;
      for (const ev of events) {
        try {
          parseReply(streamEventSchema, JSON.parse(ev.data), 'the streaming generate request');
        } catch (e) {
          if (e instanceof SyntaxError) continue; // stream.ts reports "an event that is not JSON"
          if (!(e instanceof FooocusApiError)) throw e;
          pathless ||= !namesWhere(e);
        }
      }
      return { pathless };
    },
    isTyped: (e) => e instanceof FooocusApiError && e.kind === 'bad-reply',
    bytes: textBytes,
  };

  const paste: Target<string> = {
    name: 'clipboard paste',
    seeds: clipboard,
    mutate: mutateText,
    async run(text) {
      const r = fromClipboardText(text);
      if (r.ok) return { pathless: false };
      // Nodes that do not parse: every problem carries its path; otherwise one of the whole-paste reasons.
      if (r.errors) return { pathless: !r.errors.length || r.errors.some((e) => !e.path && !e.node) };
      const known = /^(not Fooocus Flow nodes|copied by a newer|the clipboard holds more)/;
      return { pathless: !known.test(r.reason) };
    },
    isTyped: notTyped,
    bytes: textBytes,
  };

  const header: Target<Uint8Array> = {
    name: 'image header reader',
    seeds: images,
    mutate: mutateBytes,
    async run(bytes) {
      checkHeader(readImageHeader(bytes));
      imageProblem(bytes);
      // The data-URL readers look at the first 192 KB at most: that much of the file is enough.
      const url = `data:image/png;base64,${Buffer.from(bytes.subarray(0, 256 * 1024)).toString('base64')}`;
      checkHeader(dataUrlHeader(url));
      dataUrlImageProblem(url);
      return { pathless: false };
    },
    isTyped: notTyped,
    bytes: (b) => b.length,
    cli: (bytes) => ({ file: withImage(bytes), commands: [['validate']] }),
  };

  return [workflow, decompile, replies, sse, paste, header] as unknown as Target<never>[];
}

export { MORE_PATH, REPO };
