/**
 * The app server's batches ("Run as batch…" in the editor), one folder each under the batch folder:
 *
 *   <dir>/<id>/batch.json     which workflow input the images bind, when it was made
 *   <dir>/<id>/workflow.json  the workflow as the editor sent it
 *   <dir>/<id>/inputs/        the uploaded images, one item each
 *   <dir>/<id>/results/       what `fooocus-flow batch --out` writes: manifest.json, index.html,
 *                             results.csv, items/…, thumbs/…
 *
 * Runs use the same engine as the CLI (server/batch/): starting again after a stop (or after the app
 * server restarted) reads the manifest and goes on, never redoing a finished item and never
 * submitting one twice. Everything read back from disk is validated like any untrusted input.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { exposedImageNames } from '../../compiler/exposed.ts';
import { formatFileError } from '../../compiler/workflow-file/index.ts';
import { openWorkflowFile, type OpenedWorkflow } from '../assets/open-workflow.ts';
import { BatchError, prepareBatch, workflowSha256 } from '../batch/batch-setup.ts';
import { isFinished, runBatchItems } from '../batch/coordinator.ts';
import { readManifest, type Manifest, type ManifestItem } from '../batch/manifest.ts';
import { DEFAULT_ITEM_ATTEMPTS, type ServerStatus } from '../batch/queue.ts';
import { batchTuning } from '../batch/tuning.ts';

export const BATCH_ID = /^[0-9a-f]{16}$/;
/** Upload names: no folders, no dot files; what the item is labelled with. */
const INPUT_NAME = /^[^/\\\0]{1,120}\.(png|jpe?g|webp)$/i;

const batchFileSchema = z.object({
  input: z.string().min(1).max(200),
  workflowName: z.string().max(500),
  createdAt: z.number(),
});

/** What the editor shows about one batch (GET /app/batches/<id>). */
export interface BatchStatus {
  id: string;
  workflowName: string;
  input: string;
  createdAt: number;
  /** new: images being added; running; stopping; stopped (some items left); finished (all done or failed). */
  state: 'new' | 'running' | 'stopping' | 'stopped' | 'finished';
  inputs: string[];
  items: Pick<
    ManifestItem,
    'id' | 'index' | 'label' | 'state' | 'error' | 'problem' | 'progress' | 'phase' | 'files' | 'thumbs'
  >[];
  servers: { url: string; state: ServerStatus['state']; message?: string | undefined }[];
  /** The last few things the engine said (a server backing off, why it stopped). */
  messages: string[];
}

interface Running {
  /** The live manifest (the one on disk lags behind for progress). */
  manifest: Manifest;
  stop: AbortController;
  done: Promise<void>;
  servers: Map<string, ServerStatus>;
  stopping: boolean;
}

export interface BatchTarget {
  /** The FooocusAPI the app server talks to now (the simulated engine under `npm start`). */
  url: string;
  apiKey: string | undefined;
}

export function createBatchRegistry(dir: string, target: () => BatchTarget) {
  const running = new Map<string, Running>();
  /** Batches being started: a second start meanwhile waits for the first instead of running twice. */
  const starting = new Map<string, Promise<void>>();
  const messages = new Map<string, string[]>();
  const folder = (id: string) => join(dir, id);
  const tell = (id: string, line: string): void => {
    messages.set(id, [...(messages.get(id) ?? []), line].slice(-8));
  };

  async function readBatch(id: string) {
    if (!BATCH_ID.test(id)) throw new NotFound(`no batch ${id}`);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(join(folder(id), 'batch.json'), 'utf8'));
    } catch {
      throw new NotFound(`no batch ${id}`);
    }
    const parsed = batchFileSchema.safeParse(json);
    if (!parsed.success) throw new BatchError('badInput', `batch ${id}: batch.json is damaged`);
    return parsed.data;
  }

  async function openBatchWorkflow(id: string): Promise<{ opened: OpenedWorkflow; sha256: string }> {
    const path = join(folder(id), 'workflow.json');
    const text = await readFile(path, 'utf8');
    const parsed = await openWorkflowFile(text, path);
    if (!parsed.ok) throw new BatchError('badInput', `batch ${id}: workflow.json is no longer valid`);
    return { opened: parsed.opened, sha256: workflowSha256(text) };
  }

  const listInputs = async (id: string) =>
    (await readdir(join(folder(id), 'inputs')).catch(() => [] as string[]))
      .filter((n) => INPUT_NAME.test(n))
      .sort();

  return {
    /** A new batch of `workflowText` whose exposed image input `input` takes the images. */
    async create(workflowText: string, input: string): Promise<string> {
      const parsed = await openWorkflowFile(workflowText, 'workflow.json');
      if (!parsed.ok)
        throw new BatchError(
          'badInput',
          `The workflow is not valid: ${parsed.errors.map((e) => formatFileError(e)).join('; ')}`,
        );
      const images = exposedImageNames(parsed.opened.workflow);
      if (!images.has(input))
        throw new BatchError(
          'badInput',
          images.size === 0
            ? 'The workflow has no exposed image input: expose an image parameter first'
            : `"${input}" is not an exposed image input of this workflow (those are: ${[...images].join(', ')})`,
        );
      const id = randomBytes(8).toString('hex');
      await mkdir(join(folder(id), 'inputs'), { recursive: true });
      await writeFile(join(folder(id), 'workflow.json'), workflowText);
      const meta = { input, workflowName: parsed.opened.workflow.name, createdAt: Date.now() };
      await writeFile(join(folder(id), 'batch.json'), JSON.stringify(meta, null, 2));
      return id;
    },

    /** Adds one image; its name is made unique in the batch (photo.png, photo-2.png …). */
    async addInput(id: string, name: string, bytes: Uint8Array): Promise<string> {
      await readBatch(id);
      if (running.has(id) || (await readManifest(join(folder(id), 'results')))) {
        throw new BatchError('badInput', 'This batch has started: images can no longer be added');
      }
      const safe = name.replace(/[/\\\0]/g, '_').replace(/^\.+/, '');
      if (!INPUT_NAME.test(safe))
        throw new BatchError('badInput', `${safe || 'the file'}: only .png, .jpg, .jpeg or .webp images`);
      const taken = new Set(await listInputs(id));
      const dot = safe.lastIndexOf('.');
      let unique = safe;
      for (let n = 2; taken.has(unique); n++) unique = `${safe.slice(0, dot)}-${n}${safe.slice(dot)}`;
      await writeFile(join(folder(id), 'inputs', unique), bytes, { flag: 'wx' });
      return unique;
    },

    /** Starts the batch, or resumes it: finished items are kept, submitted ones followed. */
    start(id: string): Promise<void> {
      if (running.has(id)) return Promise.resolve();
      let p = starting.get(id);
      if (!p) {
        p = startOnce(id).finally(() => starting.delete(id));
        starting.set(id, p);
      }
      return p;
    },

    /** Stops the running tasks on their servers (confirmed); the batch can be resumed. */
    async stop(id: string): Promise<void> {
      await readBatch(id);
      await starting.get(id)?.catch(() => undefined);
      const r = running.get(id);
      if (!r) return;
      r.stopping = true;
      r.stop.abort();
      await r.done;
    },

    async status(id: string): Promise<BatchStatus> {
      const meta = await readBatch(id);
      const r = running.get(id);
      const manifest = await readManifestLive(id);
      const items = (manifest?.items ?? []) as ManifestItem[];
      const state: BatchStatus['state'] = r
        ? r.stopping
          ? 'stopping'
          : 'running'
        : !manifest
          ? 'new'
          : items.every(isFinished)
            ? 'finished'
            : 'stopped';
      return {
        id,
        workflowName: meta.workflowName,
        input: meta.input,
        createdAt: meta.createdAt,
        state,
        inputs: await listInputs(id),
        items: items.map((i) => ({
          id: i.id,
          index: i.index,
          label: i.label,
          state: i.state,
          error: i.error,
          problem: i.problem,
          progress: i.progress,
          phase: i.phase,
          files: i.files,
          thumbs: i.thumbs,
        })),
        servers: [...(r?.servers ?? new Map<string, ServerStatus>())].map(([url, s]) => ({
          url,
          state: s.state,
          message: s.message,
        })),
        messages: messages.get(id) ?? [],
      };
    },

    /**
     * The workflow file the batch was made from (as the editor sent it, images embedded), read
     * back and checked like any file before it is handed out: the gallery keeps it with the
     * batch's entry ("Open workflow").
     */
    async workflowJson(id: string): Promise<unknown> {
      await readBatch(id);
      const text = await readFile(join(folder(id), 'workflow.json'), 'utf8').catch(() => {
        throw new NotFound(`batch ${id} has no workflow file`);
      });
      const parsed = await openWorkflowFile(text, 'workflow.json');
      if (!parsed.ok) throw new BatchError('badInput', `batch ${id}: workflow.json is no longer valid`);
      return JSON.parse(text) as unknown;
    },

    /** Every batch, newest first. */
    async list(): Promise<{ id: string; workflowName: string; createdAt: number }[]> {
      const ids = (await readdir(dir).catch(() => [] as string[])).filter((n) => BATCH_ID.test(n));
      const all = await Promise.all(
        ids.map((id) =>
          readBatch(id).then(
            (m) => ({ id, workflowName: m.workflowName, createdAt: m.createdAt }),
            () => null,
          ),
        ),
      );
      return all.filter((b) => b !== null).sort((a, b) => b.createdAt - a.createdAt);
    },

    folder,
    resultsFolder: (id: string) => join(folder(id), 'results'),
    inputFile: async (id: string, name: string) => {
      await readBatch(id);
      return (await listInputs(id)).includes(name) ? join(folder(id), 'inputs', name) : null;
    },
    readManifest: (id: string) => readManifestLive(id),

    /** Stops every running batch (the app server is closing). */
    async close(): Promise<void> {
      await Promise.all(
        [...running.values()].map((r) => {
          r.stop.abort();
          return r.done;
        }),
      );
    },
  };

  async function readManifestLive(id: string): Promise<Manifest | null> {
    return running.get(id)?.manifest ?? readManifest(join(folder(id), 'results'));
  }

  async function startOnce(id: string): Promise<void> {
    const meta = await readBatch(id);
    if ((await listInputs(id)).length === 0)
      throw new BatchError('badInput', 'Add at least one image before starting the batch');
    const { opened, sha256 } = await openBatchWorkflow(id);
    const out = join(folder(id), 'results');
    const say = (line: string) => tell(id, line);
    const { store, retried } = await prepareBatch({
      out,
      workflow: opened.workflow,
      workflowPath: join(folder(id), 'workflow.json'),
      workflowSha256: sha256,
      sources: { inputs: { [meta.input]: join(folder(id), 'inputs') }, table: undefined, set: {} },
      queue: undefined,
      say,
    });
    // Everything done or failed: nothing to run (and nothing is sent again).
    if ((store.manifest.items as ManifestItem[]).every(isFinished)) return;
    const t = target();
    const stop = new AbortController();
    const entry: Running = {
      manifest: store.manifest,
      stop,
      servers: new Map(),
      stopping: false,
      done: Promise.resolve(),
    };
    running.set(id, entry);
    entry.done = runBatchItems({
      out,
      opened,
      store,
      retried,
      servers: [t.url],
      freshServers: false,
      apiKey: t.apiKey,
      queue: undefined,
      maxItemAttempts: DEFAULT_ITEM_ATTEMPTS,
      tuning: batchTuning(),
      signal: stop.signal,
      detach: new AbortController().signal,
      say,
      changed: () => undefined,
      serverStatus: entry.servers,
      stoppingText: 'Stopped: the running task was stopped on the server. Resume goes on where it stopped.',
    })
      .then((o) => {
        if (!o.terminal && o.how === 'finished') say('Every server was taken out; resume once it answers.');
      })
      .catch((e: unknown) => say(`The batch stopped: ${(e as Error).message}`))
      .finally(() => running.delete(id));
  }
}

export class NotFound extends Error {}

export type BatchRegistry = ReturnType<typeof createBatchRegistry>;
