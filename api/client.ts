/**
 * The FooocusAPI v3 client: pure `fetch`, so the same code runs in the editor (browser) and in the
 * CLI (Node). Every reply is validated before use; every failure is a `FooocusApiError`.
 */
import { hasAssetRefs } from '../compiler/assets/inline-request.ts';
import type { FooocusRequest } from '../contract/index.ts';
import { imageRefusal, MAX_RESULT_IMAGE_BYTES, readImageBody } from './bounded-image.ts';
import { cancelTask, type CancelOptions, type CancelOutcome, type CancelTarget } from './cancel.ts';
import { FooocusApiError, messages } from './errors.ts';
import { followTask, getTask, type FollowOptions, type FollowOutcome } from './follow.ts';
import { abortOrNetwork, requestJson, send, type HttpContext } from './http.ts';
import { deadline } from './deadline.ts';
import type { ProgressListener } from './progress.ts';
import { checkImageCount, toResultImages, type ExpectedImages, type RunResult } from './results.ts';
import {
  controlSchema,
  describeSchema,
  maskSchema,
  modelListSchema,
  parseReply,
  styleListSchema,
  taskListSchema,
  taskRecordSchema,
  type ModelList,
  type TaskList,
  type TaskRecord,
} from './schemas.ts';
import type { RunJournalEntry } from './run-journal.ts';
import { resumeTrackedRun, startTrackedRun, type TrackedRun, type TrackedRunOptions } from './tracked-run.ts';
import { bootStampReader } from './server-boot.ts';
import { streamGenerate, type StreamOptions, type StreamOutcome } from './stream.ts';
import {
  CONTROL_PATH,
  DESCRIBE_PATH,
  GENERATE_PATH,
  MASK_PATH,
  MODELS_PATH,
  normaliseBaseUrl,
  rebaseResultUrl,
  STYLES_PATH,
  TASKS_PATH,
} from './urls.ts';

export interface FooocusClientOptions {
  /** e.g. `http://127.0.0.1:7866`; a path prefix (reverse proxy) is kept. */
  baseUrl: string;
  /** Sent as `X-API-KEY` when set (server started with `--apikey`). */
  apiKey?: string | undefined;
  /** Injected fetch (tests, proxies); default the global one. */
  fetch?: typeof fetch | undefined;
  /** Limit for each plain request; default 30 s. Long runs are limited by `run`'s own `timeoutMs`. */
  requestTimeoutMs?: number | undefined;
  /** The most one downloaded result image may be; default MAX_RESULT_IMAGE_BYTES (256 MB). */
  maxImageBytes?: number | undefined;
}

/**
 * Options of the older one-shot `run`. Prefer `startRun` (tracked-run.ts): it records the run before
 * sending, survives lost replies and restarts, and can be resumed. `mode: 'stream'` is kept for
 * callers not yet moved; on the real server a cut stream leaves its task unrecorded.
 */
export interface RunOptions {
  /** 'poll' = async submit + `GET /tasks/{id}`; 'stream' = SSE. Default 'poll'. */
  mode?: 'poll' | 'stream' | undefined;
  onProgress?: ProgressListener | undefined;
  signal?: AbortSignal | undefined;
  /** Limit for the whole run; default none. */
  timeoutMs?: number | undefined;
  /** Poll interval (poll mode). */
  intervalMs?: number | undefined;
  /** The plan's predicted image count; fewer images give a `short-result` warning. */
  expectedImages?: ExpectedImages | undefined;
  /** Stream mode: look the finished task up in `/tasks` history afterwards (one request). Default true. */
  findTask?: boolean | undefined;
  /** Poll mode: told the task id as soon as the server accepted the request (to stop it later). */
  onSubmitted?: ((taskId: string) => void) | undefined;
}

export interface GenerateMaskRequest {
  image: string;
  mask_model?: string;
  cloth_category?: string;
  dino_prompt_text?: string;
  sam_model?: string;
  box_threshold?: number;
  text_threshold?: number;
  sam_max_detections?: number;
  dino_erode_or_dilate?: number;
  dino_debug?: boolean;
}

type Signal = { signal?: AbortSignal | undefined; timeoutMs?: number | undefined };

export function createFooocusClient(options: FooocusClientOptions) {
  const base = normaliseBaseUrl(options.baseUrl);
  const ctx: HttpContext = {
    base,
    apiKey: options.apiKey || undefined,
    // Bound, so a browser's window.fetch is not called with the wrong `this`.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.requestTimeoutMs ?? 30_000,
  };
  /** Runs in flight, so `stop()` can mark them: a stopped stream looks like a normal "Finished". */
  const activeRuns = new Set<{ stopRequested: boolean }>();

  const imageUrl = (resultUrl: string) => rebaseResultUrl(base, resultUrl);

  async function submit(request: FooocusRequest, opts: Signal = {}): Promise<string> {
    assertInlined(request);
    const what = 'the generate request';
    const reply = await requestJson(ctx, {
      method: 'POST',
      path: GENERATE_PATH,
      body: { ...request, async_process: true, stream_output: false },
      what,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
    return parseReply(taskRecordSchema, reply, what).task_id;
  }

  async function control(action: 'stop' | 'skip', opts: Signal = {}): Promise<string> {
    if (action === 'stop') for (const run of activeRuns) run.stopRequested = true;
    const what = `the ${action} request`;
    const reply = await requestJson(ctx, {
      method: 'POST',
      path: CONTROL_PATH,
      query: { action },
      what,
      ...opts,
    });
    return parseReply(controlSchema, reply, what).message;
  }

  async function listTasks(
    query: { query?: 'all' | 'history' | 'current' | 'pending'; page?: number; pageSize?: number } = {},
    opts: Signal = {},
  ): Promise<TaskList> {
    const what = 'GET /tasks';
    const reply = await requestJson(ctx, {
      method: 'GET',
      path: TASKS_PATH,
      query: { query: query.query ?? 'all', page: query.page ?? 0, page_size: query.pageSize ?? 10 },
      what,
      ...opts,
    });
    return parseReply(taskListSchema, reply, what);
  }

  /** The stream has no task id: find the newest history record with exactly these result URLs. */
  async function findTaskByResult(urls: readonly string[], opts: Signal = {}): Promise<TaskRecord | null> {
    if (urls.length === 0) return null;
    const list = await listTasks({ query: 'history', pageSize: 20 }, opts);
    return (
      list.history.find((t) => t.result?.length === urls.length && t.result.every((u, i) => u === urls[i])) ??
      null
    );
  }

  async function run(request: FooocusRequest, opts: RunOptions = {}): Promise<RunResult> {
    assertInlined(request);
    const marker = { stopRequested: false };
    activeRuns.add(marker);
    try {
      if (opts.mode === 'stream') {
        const outcome = await stream(request, opts);
        const task =
          opts.findTask === false ? null : await findTaskByResult(outcome.images, opts).catch(() => null);
        const images = toResultImages(outcome.images, imageUrl);
        if (marker.stopRequested) {
          throw new FooocusApiError({ kind: 'stopped', ...messages.stopped(false), task, images });
        }
        const warnings = checkImageCount(images, opts.expectedImages, task);
        return { task, images, warnings, receivedAt: outcome.receivedAt };
      }
      const taskId = await submit(request, opts);
      opts.onSubmitted?.(taskId);
      opts.onProgress?.({ progress: 0, message: 'Submitted, waiting for the server ...' });
      const { record, receivedAt } = await follow(taskId, opts);
      const images = toResultImages(record.result ?? [], imageUrl);
      if (record.task_status === 'stop') {
        throw new FooocusApiError({ kind: 'stopped', ...messages.stopped(false), task: record, images });
      }
      const warnings = checkImageCount(images, opts.expectedImages, record);
      return { task: record, images, warnings, receivedAt };
    } finally {
      activeRuns.delete(marker);
    }
  }

  /**
   * After giving up on a run (abort, Ctrl+C): stop the task on the server if it is ours and running,
   * since a disconnect does not (contract §5.8). Never stops another client's task. Uses no caller
   * signal: it runs after the caller's has fired.
   */
  function cancel(target: CancelTarget, opts: CancelOptions = {}): Promise<CancelOutcome> {
    return cancelTask(
      {
        listTasks: (q) => listTasks(q),
        getTask: (taskId) => getTask(ctx, taskId),
        stop: () => control('stop'),
      },
      target,
      opts,
    );
  }

  function follow(taskId: string, opts: FollowOptions = {}): Promise<FollowOutcome> {
    return followTask(ctx, taskId, opts);
  }

  function stream(request: FooocusRequest, opts: StreamOptions = {}): Promise<StreamOutcome> {
    return streamGenerate(ctx, request, opts);
  }

  async function download(
    url: string,
    opts: Signal & { timeoutMs?: number; maxBytes?: number } = {},
  ): Promise<Uint8Array> {
    const target = imageUrl(url);
    // `*/*` returns the file as stored (with its metadata); `image/jpg` would give an empty 200 (§6.3).
    const call = {
      method: 'GET' as const,
      path: '',
      what: `the download of ${target}`,
      accept: '*/*',
      ...opts,
    };
    const limit = deadline(opts.signal, opts.timeoutMs ?? ctx.timeoutMs);
    try {
      // The path is already in `target`, so the context's base is bypassed for this one call.
      const scoped = { ...ctx, base: target };
      const response = await send(scoped, call, limit);
      // Streamed with a byte cap and the pixel budget checked on the header (api/bounded-image.ts).
      const maxBytes = opts.maxBytes ?? options.maxImageBytes ?? MAX_RESULT_IMAGE_BYTES;
      const bytes = await readImageBody(response, maxBytes).catch((e: unknown) => {
        throw imageRefusal(call.what, maxBytes, e) ?? abortOrNetwork(scoped, call, limit, e);
      });
      if (bytes.length === 0) {
        throw new FooocusApiError({ kind: 'bad-reply', ...messages.badReply(call.what, 'an empty body') });
      }
      return bytes;
    } finally {
      limit.dispose();
    }
  }

  const self = {
    baseUrl: base,
    submit,
    getTask: (taskId: string, opts: Signal = {}) => getTask(ctx, taskId, opts.signal, opts.timeoutMs),
    follow,
    stream,
    run,
    stop: (opts?: Signal) => control('stop', opts),
    cancel,
    skip: (opts?: Signal) => control('skip', opts),
    listTasks,
    findTaskByResult,
    /** Which run of the server answers (server-boot.ts): differs after a restart; null when not published. */
    bootStamp: bootStampReader(ctx),
    async listModels(opts: Signal = {}): Promise<ModelList> {
      const what = 'the model list request';
      const reply = await requestJson(ctx, { method: 'GET', path: MODELS_PATH, what, ...opts });
      return parseReply(modelListSchema, reply, what);
    },
    async listStyles(opts: Signal = {}): Promise<string[]> {
      const what = 'the style list request';
      const reply = await requestJson(ctx, { method: 'GET', path: STYLES_PATH, what, ...opts });
      return parseReply(styleListSchema, reply, what);
    },
    async describeImage(
      image: string,
      imageType: 'Photo' | 'Anime' = 'Photo',
      opts: Signal = {},
    ): Promise<string> {
      const what = 'the describe-image request';
      const body = { image, image_type: imageType };
      const reply = await requestJson(ctx, { method: 'POST', path: DESCRIBE_PATH, body, what, ...opts });
      return parseReply(describeSchema, reply, what).describe;
    },
    /** Returns the mask as a `data:image/png;base64,...` URL (the server sends bare base64). */
    async generateMask(request: GenerateMaskRequest, opts: Signal = {}): Promise<string> {
      const what = 'the generate-mask request';
      const reply = await requestJson(ctx, { method: 'POST', path: MASK_PATH, body: request, what, ...opts });
      const b64 = parseReply(maskSchema, reply, what);
      return b64.startsWith('data:') ? b64 : `data:image/png;base64,${b64}`;
    },
    imageUrl,
    download,
    /** Submit and follow a run that cannot be lost (tracked-run.ts): THE way to run a task. */
    startRun: (request: FooocusRequest, opts: TrackedRunOptions): TrackedRun =>
      startTrackedRun(self, request, opts),
    /** Pick a journal entry up again (after a kill, "server gone" or a detach). */
    resumeRun: (entry: RunJournalEntry, opts: TrackedRunOptions): TrackedRun =>
      resumeTrackedRun(self, entry, opts),
  };
  return self;
}

export type FooocusClient = ReturnType<typeof createFooocusClient>;

/**
 * The server would decode an `asset:` reference as base64 and answer 500: a request must go through
 * `inlineRequestImages` (which puts the images' bytes in) before it is sent.
 */
function assertInlined(request: FooocusRequest): void {
  if (hasAssetRefs(request))
    throw new Error(
      'the request still names images by asset reference; build the body with inlineRequestImages first',
    );
}
