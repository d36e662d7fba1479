/**
 * No CLI command lets a control character from a file, a file name, an argument or a server reply
 * reach the terminal: each command is run with hostile text where it reads text, and its stdout
 * and stderr are searched for anything a terminal acts on. Also: a client that sends its headers
 * but trickles its body is cut off by the app server's request timeout (set small here).
 */
import { connect } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { startAppServer } from '../../server/app-server.ts';
import { startSimEngine, type SimEngine } from '../../server/sim/engine.ts';
import { GraphBuilder } from '../../nodes/build.ts';
import { serializeWorkflow } from '../../compiler/workflow-file/index.ts';
import { captureIO } from '../compiler/helpers.ts';

const HOSTILE = '\u001b]0;pwned\u0007\u001b[2J\r0 error(s)\u009b31m\u202eevil';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let dir: string;
let sim: SimEngine;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ff-every-'));
  sim = await startSimEngine({ port: 0 });
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const cap = captureIO();
  const code = await main(argv, cap.io);
  return { code, out: cap.stdout + cap.stderr };
}

describe('every CLI command escapes control characters', () => {
  it('compile, validate, decompile, run, sim, help and unknown commands', async () => {
    const b = new GraphBuilder();
    const p = b.add('promptSettings', { prompt: HOSTILE }, HOSTILE);
    const o = b.add('output', {}, HOSTILE);
    b.wire(p, o);
    const workflow = join(dir, 'hostile.json');
    await writeFile(workflow, serializeWorkflow(b.build(HOSTILE)));
    const request = join(dir, 'request.json');
    await writeFile(
      request,
      JSON.stringify({ prompt: HOSTILE, [HOSTILE]: 1, uov_input_image: `/${HOSTILE}` }),
    );
    const goodRequest = join(dir, 'good-request.json');
    await writeFile(goodRequest, JSON.stringify({ prompt: HOSTILE, [HOSTILE]: 1 }));
    const broken = join(dir, 'broken.json');
    await writeFile(broken, `{"prompt": "${HOSTILE}`);
    const cases: string[][] = [
      ['validate', workflow],
      ['validate', join(dir, `${HOSTILE}.json`)],
      ['compile', workflow],
      ['compile', workflow, '--json'],
      ['compile', workflow, `--${HOSTILE}`],
      ['decompile', request],
      ['decompile', goodRequest],
      ['decompile', broken],
      ['run', workflow, '--api', sim.url, '--out', join(dir, 'out'), '--poll'],
      ['run', workflow, '--set', `${HOSTILE}=1`, '--api', sim.url],
      ['sim', '--port', HOSTILE],
      [HOSTILE],
      ['help'],
    ];
    const codes: number[] = [];
    for (const argv of cases) {
      const r = await run(...argv);
      codes.push(r.code);
      expect(r.out, argv.join(' ')).not.toMatch(CONTROL);
    }
    // The hostile text did reach the output (escaped) where a command echoes it.
    expect((await run('compile', workflow)).out).toContain('\\u001b]0;pwned');
    expect((await run('decompile', request)).out).toContain('\\u001b]0;pwned');
    expect(codes.every((c) => [0, 1, 2].includes(c))).toBe(true);
  }, 120_000);
});

describe('slow clients', () => {
  it('a body that trickles is cut off at the request timeout', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'ff-slow-'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>x</title>');
    const app = await startAppServer({
      port: 0,
      host: '127.0.0.1',
      apiUrl: sim.url,
      distDir: dist,
      headersTimeoutMs: 300,
      requestTimeoutMs: 300,
    });
    try {
      const socket = connect(Number(new URL(app.url).port), '127.0.0.1');
      await new Promise<void>((r) => socket.once('connect', () => r()));
      const host = new URL(app.url).host;
      socket.write(
        `POST /api/v1/engine/generate/ HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${app.url}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"prompt":`,
      );
      // Nothing more is sent: the server must end the connection by itself.
      const reply = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (d) => (text += d.toString()));
        socket.on('close', () => resolve(text));
      });
      expect(reply === '' || /^HTTP\/1\.1 (408|400)/.test(reply)).toBe(true);
    } finally {
      await app.close();
      await rm(dist, { recursive: true, force: true });
    }
  });
});
