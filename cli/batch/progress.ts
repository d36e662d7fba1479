/**
 * The batch's progress line: done / failed / running / queued over all items, per server (done,
 * running, and "backoff"/"out" when a server failed), and an ETA from this run's pace. On a terminal
 * it is redrawn in place with the CLI's own control codes; in a log a line is printed only when a
 * count changes. Server URLs and messages pass the terminal-safe sink (cli/terminal-safe.ts).
 */
import type { TextSink } from '../run-output.ts';
import type { ManifestItem } from '../../server/batch/manifest.ts';
import type { ServerStatus } from '../../server/batch/queue.ts';

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatBatchProgress(
  items: readonly ManifestItem[],
  servers: ReadonlyMap<string, ServerStatus>,
  pace: { startedAt: number; doneAtStart: number; now: number },
): string {
  const by = (s: string) => items.filter((i) => i.state === s).length;
  const done = by('done');
  const failed = by('failed');
  const running = by('running') + by('collecting');
  const queued = by('queued');
  const total = items.length;
  const cells = 10;
  const filled = total ? Math.round(((done + failed) / total) * cells) : cells;
  const finishedNow = done + failed - pace.doneAtStart;
  const left = total - done - failed;
  let eta = '';
  if (left > 0 && finishedNow > 0) {
    const perItem = (pace.now - pace.startedAt) / finishedNow;
    eta = ` · ETA ${formatDuration(perItem * left)}`;
  }
  const perServer = [...new Set([...servers.keys(), ...items.flatMap((i) => (i.server ? [i.server] : []))])]
    .sort()
    .map((s) => {
      const mine = items.filter((i) => i.server === s);
      const status = servers.get(s);
      const flag = status && status.state !== 'ok' ? ` ${status.state.toUpperCase()}` : '';
      return `${s}: ${mine.filter((i) => i.state === 'done').length} done, ${
        mine.filter((i) => i.state === 'running').length
      } running${flag}`;
    });
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(cells - filled)}] ${done}/${total} done, ${failed} failed, ` +
    `${running} running, ${queued} queued${eta}` +
    (perServer.length ? ` | ${perServer.join(' | ')}` : '')
  );
}

export function createBatchProgress(out: TextSink) {
  let last = '';
  let drawn = false;
  return {
    update(line: string, key: string): void {
      if (out.isTTY) {
        if (out.control) {
          out.control('\r');
          out.write(line);
          out.control('\x1b[K');
        } else out.write(`\r${line}\x1b[K`);
        drawn = true;
        return;
      }
      if (key === last) return;
      last = key;
      out.write(`${line}\n`);
    },
    /** A message of its own (a server taken out, an item failed), on its own line. */
    say(text: string): void {
      this.done();
      out.write(`${text}\n`);
    },
    done(): void {
      if (drawn) out.write('\n');
      drawn = false;
    },
  };
}
