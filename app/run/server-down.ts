import { FooocusApiError } from '../../api/index.ts';
import type { LocalText } from '../../nodes/types.ts';

/**
 * "The server is not there", told apart from every other failure: a refused or reset connection
 * (kind `network`), or the app server's own 502/503/504 when it cannot reach FooocusAPI. Those get
 * one plain message with what to do, never the raw `HTTP 502: {"detail":"…ECONNREFUSED…"}`.
 */
export function serverUnreachable(e: unknown): boolean {
  if (!(e instanceof FooocusApiError)) return false;
  if (e.kind === 'network' || e.kind === 'server-gone') return true;
  return e.kind === 'server' && (e.status === 502 || e.status === 503 || e.status === 504);
}

export function serverDownText(origin: string): LocalText {
  return {
    en:
      `The Fooocus server at ${origin} is not answering. Start FooocusAPI there (or npm start for the ` +
      `simulated engine), or change the address in Settings (⚙). Run is off until it answers; the editor ` +
      `checks again by itself.`,
    zh:
      `${origin} 的 Fooocus 服务器没有响应。请在该地址启动 FooocusAPI（或用 npm start 启动模拟引擎），` +
      `或在设置（⚙）中修改地址。服务器响应之前无法运行；编辑器会自动重新检查。`,
  };
}
