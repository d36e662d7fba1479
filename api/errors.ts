/**
 * Every way talking to FooocusAPI can go wrong, as one typed error with a plain-words message.
 * Fooocus itself reports very little (no failed state, 500s without CORS headers), so the messages
 * carry the likely causes the user can act on (shared/docs/fooocusapi-contract.md §1.3, §5.5).
 */

export type FooocusApiErrorKind =
  /** Connection refused, DNS, reset; in a browser also any 500 (it arrives without CORS headers). */
  | 'network'
  /** 403: the API key is missing or wrong. */
  | 'forbidden'
  /** 422: the request body was rejected; `details` holds the pydantic items. */
  | 'validation'
  /** 500 or another unexpected HTTP status. */
  | 'server'
  /** The task reports "finished" with no images: the worker crashed. */
  | 'empty-result'
  /** Fewer images than the plan predicted (a warning, not thrown by `run`). */
  | 'short-result'
  /** The task was stopped (or the caller cancelled). */
  | 'stopped'
  /** The progress stream ended before its final event. */
  | 'stream-cut'
  /** No answer within the configured time. */
  | 'timeout'
  /** A reply did not have the shape the contract describes. */
  | 'bad-reply'
  /** `GET /tasks/{id}` keeps answering `[]`: the server does not know the task. */
  | 'unknown-task'
  /** No answer from the server for the configured time; the task id is kept so the run can be resumed. */
  | 'server-gone'
  /** Stop was sent but the server did not confirm it in time; the task may still be running. */
  | 'stop-unconfirmed'
  /** The run's journal could not be written, so nothing was sent. */
  | 'journal'
  /** The server dropped the task (a restart empties FooocusAPI's queue); nothing can be picked up. */
  | 'lost-task';

/** One item of a FastAPI 422 body (`{"detail": [...]}`); extra keys (older FastAPI adds `url`) are kept. */
export interface ValidationDetail {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown> | undefined;
}

export interface FooocusApiErrorInit {
  kind: FooocusApiErrorKind;
  message: string;
  messageZh?: string | undefined;
  status?: number | undefined;
  details?: ValidationDetail[] | undefined;
  /** The task record (or partial result) at the time of failure, when there is one. */
  task?: unknown;
  images?: { url: string; index: number }[] | undefined;
  cause?: unknown;
}

export class FooocusApiError extends Error {
  readonly kind: FooocusApiErrorKind;
  readonly messageZh: string | undefined;
  readonly status: number | undefined;
  readonly details: ValidationDetail[] | undefined;
  readonly task: unknown;
  /** Images that were finished before the failure (e.g. before a stop). */
  readonly images: { url: string; index: number }[] | undefined;

  constructor(init: FooocusApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'FooocusApiError';
    this.kind = init.kind;
    this.messageZh = init.messageZh;
    this.status = init.status;
    this.details = init.details;
    this.task = init.task;
    this.images = init.images;
  }
}

/** The likely causes of "finished" with no images, in the order users hit them (contract §5.5). */
const EMPTY_RESULT_CAUSES_EN = [
  'a style name the server does not know',
  'a base model, refiner or VAE file missing on the server',
  'an inpaint mask whose size differs from the input image',
  'a bad size text (it must be like "1152*896")',
  'an inpaint engine or refiner swap method the worker rejects',
];
const EMPTY_RESULT_CAUSES_ZH = [
  '服务器不认识的风格名称',
  '服务器上缺少基础模型、精炼模型或 VAE 文件',
  '局部重绘蒙版与输入图像尺寸不一致',
  '尺寸文本格式错误（应为 "1152*896" 这样的格式）',
  '工作进程不接受的重绘引擎或精炼切换方式',
];

/** True in a browser (the editor), false in Node (the CLI, tests, the app server). */
function inBrowser(): boolean {
  return typeof window !== 'undefined';
}

export const messages = {
  /**
   * In a browser a 500 arrives without CORS headers, so it fails exactly like a refused connection;
   * only there is the crash worth mentioning. In Node a 500 is read and reported as `server`.
   */
  network: (origin: string, browser = inBrowser()) => ({
    message:
      `Could not reach the Fooocus server at ${origin}: ` +
      (browser
        ? 'the server could not be reached or crashed (a 500 without CORS headers looks like this in a browser). '
        : 'the connection failed (refused, reset or no such host). ') +
      'Check that FooocusAPI is running and the address is right.',
    messageZh: browser
      ? `无法连接 ${origin} 的 Fooocus 服务器：服务器无法访问或已崩溃（在浏览器中，没有 CORS 头的 500 错误也会表现为这样）。请确认 FooocusAPI 正在运行且地址正确。`
      : `无法连接 ${origin} 的 Fooocus 服务器：连接失败（被拒绝、被重置或找不到主机）。请确认 FooocusAPI 正在运行且地址正确。`,
  }),
  forbidden: () => ({
    message: 'The Fooocus server refused the request (403): the API key is missing or wrong.',
    messageZh: 'Fooocus 服务器拒绝了请求（403）：API 密钥缺失或错误。',
  }),
  validation: (summary: string) => ({
    message: `The Fooocus server rejected the request (422): ${summary}`,
    messageZh: `Fooocus 服务器拒绝了请求（422）：${summary}`,
  }),
  server: (status: number, body: string) => ({
    message:
      status === 500
        ? `The Fooocus server crashed while handling the request (500${body ? `: ${body}` : ''}). ` +
          'A common cause is an input image it cannot decode, or an image URL that does not return an image.'
        : `The Fooocus server answered with HTTP ${status}${body ? `: ${body}` : ''}.`,
    messageZh:
      status === 500
        ? `Fooocus 服务器处理请求时崩溃（500）。常见原因：无法解码的输入图像，或图像网址返回的不是图像。`
        : `Fooocus 服务器返回 HTTP ${status}。`,
  }),
  emptyResult: () => ({
    message:
      'Fooocus reported the task as finished but returned no images: its worker failed. ' +
      `Likely causes: ${EMPTY_RESULT_CAUSES_EN.join('; ')}. The server console shows the exact error.`,
    messageZh: `Fooocus 报告任务已完成，但没有返回任何图像：工作进程出错了。可能原因：${EMPTY_RESULT_CAUSES_ZH.join('；')}。服务器控制台会显示具体错误。`,
  }),
  shortResult: (got: number, expected: string) => ({
    message:
      `Fooocus returned ${got} image${got === 1 ? '' : 's'} but the plan predicted ${expected}. ` +
      'A step was skipped or failed on the server (for example an enhance region that detected nothing).',
    messageZh: `Fooocus 返回了 ${got} 张图像，但计划预计 ${expected} 张。服务器上有步骤被跳过或失败（例如增强区域没有检测到目标）。`,
  }),
  stopped: (byCaller: boolean) => ({
    message: byCaller ? 'The run was cancelled.' : 'The task was stopped on the server before it finished.',
    messageZh: byCaller ? '运行已取消。' : '任务在完成前已在服务器上被停止。',
  }),
  /**
   * Not "a bad input image": on the real server a stream is also cut when another stream finishes
   * first, and the task goes on running (fooocusapi-runtime.md §2).
   */
  streamCut: (events: number) => ({
    message:
      `The progress stream ended before the final event (after ${events} event${events === 1 ? '' : 's'}): ` +
      'the connection dropped or the server ended the stream (it does so when another stream ends first). ' +
      'The task may still be running on the server; follow runs by polling to keep their results.',
    messageZh: `进度流在最终事件之前结束（已收到 ${events} 个事件）：连接中断，或服务器结束了该流（另一个流先结束时会这样）。任务可能仍在服务器上运行；请用轮询方式跟踪运行以保留结果。`,
  }),
  serverGone: (
    origin: string,
    silentS: number,
    taskId: string | undefined,
    resumeHint: string | undefined,
  ) => ({
    message:
      `The Fooocus server at ${origin} has not answered for ${silentS} s, so the run stopped waiting. ` +
      (taskId
        ? `Its task ${taskId} was accepted and may still finish there: nothing is lost. `
        : 'The request may or may not have reached it: nothing is lost, resuming looks for it before sending again. ') +
      (resumeHint ? `Resume with: ${resumeHint}` : 'Resume the run once the server is back.'),
    messageZh:
      `${origin} 的 Fooocus 服务器已有 ${silentS} 秒没有响应，运行停止等待。` +
      (taskId
        ? `任务 ${taskId} 已被接受，可能仍会在服务器上完成：没有任何损失。`
        : '请求可能已到达服务器：没有任何损失，恢复时会先查找它再重新发送。') +
      (resumeHint ? `恢复命令：${resumeHint}` : '服务器恢复后请继续运行。'),
  }),
  stopUnconfirmed: (taskId: string, waitedS: number, resumeHint: string | undefined) => ({
    message:
      `Stop was sent for task ${taskId}, but the server did not confirm it within ${waitedS} s; the task may still be running. ` +
      (resumeHint ? `Pick it up with: ${resumeHint}` : 'Its results can still be picked up.'),
    messageZh: `已为任务 ${taskId} 发送停止，但服务器在 ${waitedS} 秒内没有确认；任务可能仍在运行。${resumeHint ? `恢复命令：${resumeHint}` : '其结果仍可取回。'}`,
  }),
  unknownTaskLost: (taskId: string) => ({
    message:
      `The Fooocus server no longer knows task ${taskId} (GET /tasks/${taskId} answers []): ` +
      'it was restarted without its history, or the record was deleted. The results of this task are gone; run again.',
    messageZh: `Fooocus 服务器已不再知道任务 ${taskId}：服务器在没有历史记录的情况下重启，或记录已被删除。该任务的结果已丢失，请重新运行。`,
  }),
  lostTask: (origin: string, taskId: string, seconds: number, resumeHint: string | undefined) => ({
    message:
      `The Fooocus server at ${origin} has shown task ${taskId} neither queued, running nor finished for ${seconds} s ` +
      'while it has nothing else to do: it was most likely restarted, and FooocusAPI forgets its queue on a restart. ' +
      'No images were listed for this task; run the workflow again.' +
      (resumeHint
        ? ` If the server was not restarted, the task may still finish: ${resumeHint} picks it up.`
        : ''),
    messageZh:
      `${origin} 的 Fooocus 服务器已有 ${seconds} 秒既没有排队、运行也没有完成任务 ${taskId}，且服务器处于空闲：它很可能已重启，而 FooocusAPI 重启时会丢失队列。该任务没有列出任何图像，请重新运行工作流。` +
      (resumeHint ? `如果服务器没有重启，任务可能仍会完成：${resumeHint} 可以取回它。` : ''),
  }),
  restartedTask: (origin: string, taskId: string) => ({
    message:
      `The Fooocus server at ${origin} was restarted after it accepted task ${taskId} and before the task finished: ` +
      'FooocusAPI forgets its queue on a restart, so this task will never run. ' +
      'No images were listed for this task; run the workflow again.',
    messageZh: `${origin} 的 Fooocus 服务器在接受任务 ${taskId} 之后、任务完成之前重启了：FooocusAPI 重启时会丢失队列，该任务永远不会运行。该任务没有列出任何图像，请重新运行工作流。`,
  }),
  journal: (why: string) => ({
    message: `The run's journal could not be written (${why}), so nothing was sent: a run that cannot be recorded could be lost.`,
    messageZh: `无法写入运行记录（${why}），因此没有发送任何内容：无法记录的运行可能会丢失。`,
  }),
  timeout: (what: string, ms: number) => ({
    message: `The Fooocus server did not answer ${what} within ${ms} ms.`,
    messageZh: `Fooocus 服务器未在 ${ms} 毫秒内响应（${what}）。`,
  }),
  badReply: (what: string, problem: string) => ({
    message: `The Fooocus server sent an unexpected reply to ${what}: ${problem}. Is this really FooocusAPI v3?`,
    messageZh: `Fooocus 服务器对 ${what} 的回复格式不符：${problem}。这真的是 FooocusAPI v3 吗？`,
  }),
  unknownTask: (taskId: string) => ({
    message: `The Fooocus server does not know task ${taskId} (GET /tasks/${taskId} answered []).`,
    messageZh: `Fooocus 服务器找不到任务 ${taskId}。`,
  }),
};
