/**
 * http(s) images in a workflow are FooocusAPI's to fetch. `validate`/`compile` download one only
 * when asked (`--fetch-images`, to measure it); otherwise its size stays unknown and no request
 * leaves the machine because someone shared a file.
 */
import { t } from '../../nodes/field.ts';
import type { LocalText } from '../../nodes/types.ts';

/** Thrown by an adapter for an http(s) image it was not asked to fetch. */
export class RemoteImageNotFetchedError extends Error {
  constructor(readonly url: string) {
    super('remote image not fetched (use --fetch-images to measure it)');
    this.name = 'RemoteImageNotFetchedError';
  }
}

/** An http(s) image that was fetched (asked for) but could not be read within the limits. */
export function remoteImageText(why: string): LocalText {
  return t(
    `The image at this URL could not be measured: ${why}. FooocusAPI fetches it itself when the request runs (and gives up on what it cannot read); put a smaller image there or pick a file instead.`,
    `无法测量此 URL 的图像：${why}。运行时 FooocusAPI 会自行获取它（读取失败则放弃）；请换一张较小的图像，或改为选择文件。`,
  );
}
