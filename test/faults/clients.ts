/**
 * The two clients the fault harness drives, behind one shape: the CLI (`fooocus-flow run`, in
 * process, or as a real process that can be killed) and the API client's tracked run. Each run
 * reports what it saved and whether it ended with a clear final message.
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createFooocusClient } from '../../api/client.ts';
import { memoryJournal, type RunJournalEntry } from '../../api/run-journal.ts';
import type { TrackedProgress, TrackedRunOptions, TrackedRunOutcome } from '../../api/tracked-run.ts';
import { runCommand, type RunExtras } from '../../cli/run.ts';
import type { FooocusRequest } from '../../contract/index.ts';

export type ClientKind = 'cli' | 'api';

export interface RunReport {
  client: ClientKind;
  seed: number;
  /** Images the client saved (CLI: files in --out; API: images downloaded). */
  saved: number;
  /** How it ended, for the log: an outcome kind or an exit code. */
  end: string;
  /** The last words the user saw: a saved result, or a message that says what happened and what to do. */
  clear: boolean;
  /** A journal to resume (API) or an --out folder (CLI) when the run ended without its results. */
  resumable: RunJournalEntry | string | undefined;
}

/** Tuning for every harness run: a short "server gone" so stalls and kills fit in a trial. */
export interface HarnessTuning extends Partial<TrackedRunOptions> {
  goneAfterMs: number;
}

const CLEAR_CLI =
  /^(Run failed \(|Run interrupted \(|Run cancelled \(|The run was cancelled|Left task |Saving the results failed|Quit before)/m;

async function countImages(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).filter((f) => /\.(png|jpe?g|webp)$/.test(f)).length;
  } catch {
    return 0;
  }
}

function sink() {
  const s = {
    text: '',
    isTTY: false,
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s;
}

export interface CliRunOptions {
  file: string;
  out: string;
  api: string;
  seed: number;
  tuning: HarnessTuning;
  /** Watch stderr (progress lines) to trigger the fault at the right moment. */
  onStderr?: ((text: string) => void) | undefined;
  extras?: Omit<RunExtras, 'tuning'> | undefined;
}

export async function runCli(o: CliRunOptions, args?: string[]): Promise<RunReport> {
  const stderr = sink();
  const write = stderr.write.bind(stderr);
  stderr.write = (chunk: string) => {
    write(chunk);
    o.onStderr?.(chunk);
    return true;
  };
  const io = { stdout: sink(), stderr };
  const argv = args ?? [o.file, '--api', o.api, '--out', o.out, '--seed', String(o.seed)];
  const code = await runCommand(argv, io, { ...o.extras, tuning: o.tuning });
  const saved = await countImages(o.out);
  const resumable = (await readdir(o.out).catch((): string[] => [])).includes('run-journal.json')
    ? o.out
    : undefined;
  return {
    client: 'cli',
    seed: o.seed,
    saved,
    end: `exit ${code}${code === 0 ? '' : ` (${stderr.text.trim().split('\n').at(-1)?.slice(0, 160) ?? ''})`}`,
    clear: code === 0 ? saved > 0 : CLEAR_CLI.test(stderr.text),
    resumable,
  };
}

export function resumeCli(o: CliRunOptions): Promise<RunReport> {
  return runCli(o, ['--resume', o.out, '--api', o.api]);
}

/**
 * The CLI as a real process, killed with SIGKILL (no cleanup at all) once `killWhen` sees its
 * stderr. Resolves when it is dead.
 */
export function runCliKilled(o: CliRunOptions, killWhen: (stderr: string) => boolean): Promise<void> {
  const bin = join(import.meta.dirname, '../../cli/bin.mjs');
  const child = spawn(
    process.execPath,
    [bin, 'run', o.file, '--api', o.api, '--out', o.out, '--seed', String(o.seed)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let text = '';
  let killed = false;
  child.stderr.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    if (!killed && killWhen(text)) killed = child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.on('exit', () => resolve()));
}

export interface ApiRunOptions {
  api: string;
  request: FooocusRequest;
  tuning: HarnessTuning;
  onProgress?: ((p: TrackedProgress, stop: () => void) => void) | undefined;
  onStart?: ((stop: () => void) => void) | undefined;
  signal?: AbortSignal | undefined;
}

async function report(
  api: string,
  outcome: TrackedRunOutcome,
  journal: ReturnType<typeof memoryJournal>,
): Promise<RunReport> {
  const seed = Number(outcome.entry.request.image_seed);
  let saved = 0;
  if (outcome.kind === 'finished' || outcome.kind === 'stopped') {
    const client = createFooocusClient({ baseUrl: api });
    for (const image of outcome.images) {
      try {
        await client.download(image.url);
        saved++;
      } catch {
        // counted as not saved
      }
    }
  }
  const clear =
    outcome.kind === 'finished' ||
    outcome.kind === 'stopped' ||
    outcome.kind === 'detached' ||
    ('error' in outcome && outcome.error.message.length > 0);
  const resumable =
    outcome.kind === 'server-gone' || outcome.kind === 'detached' || outcome.kind === 'stop-unconfirmed'
      ? (journal.latest() ?? outcome.entry)
      : undefined;
  const why = 'error' in outcome ? ` (${outcome.error.kind}: ${outcome.error.message.slice(0, 120)})` : '';
  return { client: 'api', seed, saved, end: `${outcome.kind}${why}`, clear, resumable };
}

export async function runApi(o: ApiRunOptions): Promise<RunReport> {
  const client = createFooocusClient({ baseUrl: o.api });
  const journal = memoryJournal();
  const run = client.startRun(o.request, {
    ...o.tuning,
    journal,
    signal: o.signal,
    onProgress: (p) => o.onProgress?.(p, () => run.stop()),
  });
  o.onStart?.(() => run.stop());
  return report(o.api, await run.done, journal);
}

export async function resumeApi(
  api: string,
  entry: RunJournalEntry,
  tuning: HarnessTuning,
): Promise<RunReport> {
  const client = createFooocusClient({ baseUrl: api });
  const journal = memoryJournal();
  return report(api, await client.resumeRun(entry, { ...tuning, journal }).done, journal);
}
