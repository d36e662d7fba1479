/**
 * The arguments of `fooocus-flow run`: its usage text, their parsing and checks, and the error that
 * ends the command with a message and an exit code.
 */
import { parseArgs } from 'node:util';
import { EXIT } from './io.ts';
import { EXIT_CANCELLED } from './run-follow.ts';

export const RUN_USAGE = `Usage: fooocus-flow run <workflow.json | library name> [options]
       fooocus-flow run --resume <out> [--api URL] [--api-key KEY]

Options:
  --api URL            FooocusAPI server (default: a simulated engine started for this run)
  --api-key KEY        sent as X-API-KEY
  --out DIR            where to save results (default ./fooocus-flow-out/<timestamp>)
  --input NAME=FILE    a PNG, JPEG or WebP for the exposed image input NAME (repeatable)
  --assets DIR         an asset folder to read images from that the file does not embed
  --set NAME=VALUE     a value for the exposed parameter NAME (repeatable)
  --seed N             seed for a workflow that asks for a random one
  --resume OUT         pick up the run recorded in OUT/run-journal.json: follow its task (or find it
                       on the server if the submit reply was lost) and save its results
  --poll, --stream     accepted for old scripts; runs are always followed by polling (see below)

How a run is followed: OUT/run-journal.json is written before the request is sent, and gets the
task id as soon as the server replies. The task is followed by polling GET /tasks/{id}; failed
reads are retried. Queued behind other tasks it says "waiting: N tasks ahead" and keeps waiting.
A server that answers nothing for 2 minutes ends the run with the task id and the command that
resumes it. (The server's progress stream is not used: on FooocusAPI a cut stream leaves its task
unrecorded.)

Ctrl+C stops the task on the server (once it is running; a queued task cannot be removed) and
waits for the server to confirm; images finished before the stop are saved; exit code 130.
Ctrl+C again leaves the task running and quits; --resume picks it up later.
`;

/** A user error that ends the command with a message and an exit code, not a stack trace. */
export class Exit extends Error {
  constructor(
    readonly code: (typeof EXIT)['graphErrors' | 'badInput'] | typeof EXIT_CANCELLED,
    message: string,
  ) {
    super(message);
  }
}

export interface RunArgs {
  /** The workflow; undefined with --resume. */
  file: string | undefined;
  /** --resume OUT */
  resume: string | undefined;
  api: string | undefined;
  apiKey: string | undefined;
  out: string | undefined;
  inputs: Record<string, string>;
  set: Record<string, string>;
  /** --stream was given: it is ignored (runs are always polled), with a note saying why. */
  streamAsked: boolean;
  /** An asset folder for images the file does not embed (saved without images). */
  assets: string | undefined;
  seed: number | undefined;
}

export function parseRunArgs(argv: string[]): RunArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        api: { type: 'string' },
        'api-key': { type: 'string' },
        out: { type: 'string' },
        input: { type: 'string', multiple: true },
        set: { type: 'string', multiple: true },
        stream: { type: 'boolean' },
        poll: { type: 'boolean' },
        seed: { type: 'string' },
        resume: { type: 'string' },
        assets: { type: 'string' },
      },
    });
  } catch (e) {
    throw new Exit(EXIT.badInput, `${(e as Error).message}\n\n${RUN_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.resume !== undefined) {
    const extra = positionals.length > 0 || values.input || values.set || values.seed || values.out;
    if (extra) {
      throw new Exit(
        EXIT.badInput,
        `--resume takes the output folder only (with --api/--api-key to reach the server): the workflow, inputs and seed are in its journal.\n\n${RUN_USAGE}`,
      );
    }
  } else if (positionals.length !== 1) {
    throw new Exit(EXIT.badInput, `Give exactly one workflow file.\n\n${RUN_USAGE}`);
  }
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(seed)) {
      throw new Exit(
        EXIT.badInput,
        `--seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "${values.seed}"`,
      );
    }
  }
  if (values.api !== undefined && !/^https?:\/\/[^/]/.test(values.api)) {
    throw new Exit(
      EXIT.badInput,
      `--api must be an http(s) URL such as http://127.0.0.1:7866, got "${values.api}"`,
    );
  }
  return {
    file: positionals[0],
    resume: values.resume,
    api: values.api,
    apiKey: values['api-key'],
    out: values.out,
    inputs: pairs('--input', values.input),
    set: pairs('--set', values.set),
    streamAsked: values.stream === true,
    assets: values.assets,
    seed,
  };
}

function pairs(flag: string, items: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Exit(EXIT.badInput, `${flag} needs NAME=VALUE, got "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
