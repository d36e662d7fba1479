/**
 * Every reader of untrusted bytes stops at a stated size: SSE events, JSON replies, the simulated
 * engine's request bodies, pasted text; lists longer than the schema allows are refused by their
 * length before any element is validated; long problem lists say how many more there are.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFooocusClient } from '../../api/client.ts';
import { FooocusApiError } from '../../api/errors.ts';
import { SseParser } from '../../api/sse.ts';
import { MAX_CLIPBOARD_BYTES, fromClipboardText } from '../../compiler/authoring/clipboard.ts';
import { capProblems } from '../../compiler/error-cap.ts';
import { decompileText } from '../../compiler/decompile.ts';
import { parseWorkflowText } from '../../compiler/workflow-file/index.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/engine.ts';
import { checkDependencies, licenceAllowed } from '../deps-check.ts';

describe('SSE', () => {
  it('refuses an event that never ends, as a bad reply, without holding more than the cap', () => {
    const parser = new SseParser(1000);
    parser.push('data: {"progress":1,"message":"ok"}\n\n');
    const err = (() => {
      try {
        for (let i = 0; i < 100; i++) parser.push('data: ' + 'x'.repeat(100));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FooocusApiError);
    expect((err as FooocusApiError).kind).toBe('bad-reply');
    expect((err as Error).message).toMatch(/event stream.*longer than/);
  });

  it('counts data lines of one event together, and starts afresh after each event', () => {
    const parser = new SseParser(100);
    for (let i = 0; i < 50; i++) expect(parser.push('data: ' + 'y'.repeat(60) + '\n\n')).toHaveLength(1);
    expect(() => parser.push('data: ' + 'z'.repeat(60) + '\ndata: ' + 'z'.repeat(60) + '\n')).toThrow(
      FooocusApiError,
    );
  });
});

describe('replies from a FooocusAPI server', () => {
  let base: string;
  let closed = false;
  let hangUp = () => {};
  const hungUp = new Promise<void>((r) => (hangUp = r));
  const server = createServer((req, res) => {
    // An endless JSON reply: `{"history":[` then records forever, until the client hangs up.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"history":[');
    const chunk = Buffer.from('{"task_id":"x","task_status":null},'.repeat(30000));
    res.on('close', () => {
      closed = true;
      hangUp();
    });
    const pump = () => {
      while (!closed) if (!res.write(chunk)) return void res.once('drain', pump);
    };
    pump();
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('stop reading a reply at 64 MB and say so', async () => {
    const client = createFooocusClient({ baseUrl: base, requestTimeoutMs: 600_000 });
    const err = await client.listTasks().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FooocusApiError);
    expect((err as FooocusApiError).kind).toBe('bad-reply');
    expect((err as Error).message).toMatch(/larger than 64 MB/);
    await hungUp; // the client hung up: the rest was never read
  }, 120_000);
});

describe('the simulated engine', () => {
  let sim: SimEngine;
  beforeAll(async () => {
    sim = await startSimEngine({ port: 0 });
  });
  afterAll(() => sim.close());

  it('answers 413 to a generate body stated over its limit, without reading it', async () => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${sim.url}/v1/engine/generate/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': String(300 * 1024 * 1024),
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('{"prompt":"');
      // The body is never finished: the reply must come from the stated length alone.
    });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatch(/Request body too large: request body larger than 200 MB/);
  });
});

describe('pasted text', () => {
  it('is refused over 16 MB by its size, with what to do instead', () => {
    const r = fromClipboardText(
      '{"format":"fooocus-flow/clipboard","x":"' + 'a'.repeat(MAX_CLIPBOARD_BYTES) + '"}',
    );
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/more than 16 MB.*Open \(Ctrl\+O\)/) });
  });
});

describe('lists and problem counts', () => {
  it('a workflow with a million nodes is refused by the length of its list alone', () => {
    const nodes = `[${'{"id":1},'.repeat(999_999)}{"id":1}]`;
    const r = parseWorkflowText(`{"format":"fooocus-flow/workflow","version":2,"nodes":${nodes},"edges":[]}`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([{ path: 'nodes', message: 'has 1,000,000 items; at most 5,000 are accepted' }]);
  });

  it('lists the first 50 problems of a file and says how many more', () => {
    const nodes = Array.from({ length: 300 }, (_, i) => ({
      id: `n${i}`,
      kind: 'promptSettings',
      kindVersion: 1,
      params: { image_number: 'many' },
    }));
    const r = parseWorkflowText(
      JSON.stringify({ format: 'fooocus-flow/workflow', version: 2, nodes, edges: [] }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(51);
    expect(r.errors[50]).toEqual({
      path: '(more)',
      message: '+250 more problems not listed; fix the ones above and check again',
    });
  });

  it('decompile lists at most 20 problems and the count of the rest', () => {
    const request: Record<string, unknown> = { prompt: 'x' };
    for (const f of [
      'image_number',
      'guidance_scale',
      'sharpness',
      'refiner_switch',
      'adaptive_cfg',
      'adm_scaler_positive',
      'adm_scaler_negative',
      'adm_scaler_end',
      'clip_skip',
      'overwrite_step',
      'overwrite_switch',
      'overwrite_width',
      'overwrite_height',
      'overwrite_vary_strength',
      'overwrite_upscale_strength',
      'controlnet_softness',
      'canny_low_threshold',
      'canny_high_threshold',
      'freeu_b1',
      'freeu_b2',
      'freeu_s1',
      'freeu_s2',
      'upscale_multiple',
    ])
      request[f] = 'not a number';
    const r = decompileText(JSON.stringify(request));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(21);
    expect(r.errors[20]!.message).toMatch(/^\+\d+ more problems? not listed/);
  });

  it('capProblems keeps short lists as they are', () => {
    const list = [{ path: 'a', message: 'b' }];
    expect(capProblems(list)).toEqual(list);
  });
});

describe('dependency review (npm run deps:check)', () => {
  const lock = (entry: Record<string, unknown>) => ({ packages: { '': {}, 'node_modules/x': entry } });
  const good = {
    version: '1.0.0',
    integrity: 'sha512-abc',
    license: 'MIT',
    resolved: 'https://registry.npmjs.org/x/-/x-1.0.0.tgz',
  };

  it('passes a pinned, registry, permissive lockfile', () => {
    expect(checkDependencies({ dependencies: { x: '1.0.0' } }, lock(good))).toEqual([]);
  });

  it('names each problem: a range, a foreign source, an unreviewed install script, a licence', () => {
    const problems = checkDependencies(
      { dependencies: { x: '^1.0.0' } },
      lock({
        ...good,
        resolved: 'https://evil.example/x.tgz',
        hasInstallScript: true,
        license: 'GPL-3.0-only',
      }),
    );
    expect(problems).toEqual([
      'dependencies.x is "^1.0.0": pin one exact version',
      'x: resolved from https://evil.example/x.tgz, not the npm registry',
      'x: runs an install script not reviewed in package.json "allowScripts"',
      'x@1.0.0: licence "GPL-3.0-only" is not on the allow-list',
    ]);
    expect(licenceAllowed('(MIT OR GPL-3.0-only)')).toBe(true);
    expect(licenceAllowed('Apache-2.0 AND GPL-3.0-only')).toBe(false);
  });
});
