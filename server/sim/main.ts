/**
 * `fooocus-flow sim [--port 7866] [--speed ms] [--api-key k] [--host h] [--data-dir d]`:
 * run the simulated FooocusAPI until SIGINT/SIGTERM/SIGHUP, then resolve with the exit code. Its
 * default data folder (a temp folder) is removed on the way out.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSimEngine, type SimEngine } from './engine.ts';

const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(7866),
  speed: z.coerce.number().min(0).default(40),
  'api-key': z.string().min(1).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  'data-dir': z.string().min(1).optional(),
});

export const SIM_USAGE =
  'usage: fooocus-flow sim [--port 7866] [--speed ms] [--api-key key] [--host 127.0.0.1] [--data-dir dir]\n';

/** The CLI's I/O (same shape as cli/io.ts CliIO). */
export interface SimCliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export interface SimCliHooks {
  /** Called once the engine listens (tests use it instead of signals). */
  onStarted?: (engine: SimEngine, stop: () => void) => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Exit codes: 0 after a clean stop, 1 when the server cannot start, 2 for bad arguments. */
export async function runSimCli(args: string[], io: SimCliIo, hooks: SimCliHooks = {}): Promise<number> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        speed: { type: 'string' },
        'api-key': { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${SIM_USAGE}`);
    return 2;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    io.stderr.write(`${z.prettifyError(parsed.error)}\n${SIM_USAGE}`);
    return 2;
  }
  const a = parsed.data;
  let engine: SimEngine;
  try {
    engine = await startSimEngine({
      port: a.port,
      host: a.host,
      speed: a.speed,
      apiKey: a['api-key'],
      dataDir: a['data-dir'],
    });
  } catch (err) {
    const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
    io.stderr.write(
      `The simulator could not start: ${(err as Error).message}\n` +
        (inUse ? `Port ${a.port} is taken: choose another with --port, e.g. --port ${a.port + 1}\n` : ''),
    );
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      for (const signal of SIGNALS) process.off(signal, stop);
      // close() also removes the engine's temp data folder (not a --data-dir given by the user).
      void engine.close().then(() => resolve(0));
    };
    // Handlers first, then the lines that say it is ready: a signal sent as soon as they are read
    // must find them (without a handler, SIGTERM kills the process before it cleans up).
    for (const signal of SIGNALS) process.on(signal, stop);
    io.stdout.write(
      `FooocusAPI simulator listening on ${engine.url} (${a.speed} ms per step${a['api-key'] ? ', API key required' : ''})\n`,
    );
    io.stdout.write(`Outputs and inputs are stored in ${engine.dataDir}\n`);

    hooks.onStarted?.(engine, stop);
  });
}
