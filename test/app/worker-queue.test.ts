/**
 * The asset workers take one job each at a time; the rest wait in order. Ten photos dropped at
 * once must not all be decoded together (ten 48 MB bitmaps, every thumbnail as late as the last).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Posted {
  worker: FakeWorker;
  msg: { id: number; op: string; blob: Blob };
}
const posted: Posted[] = [];
class FakeWorker {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(msg: Posted['msg']) {
    posted.push({ worker: this, msg });
  }
  reply(id: number, result: unknown) {
    this.onmessage?.({ data: { id, ok: true, op: 'analyse', result } } as MessageEvent);
  }
}

const realWorker = globalThis.Worker;
beforeAll(() => {
  (globalThis as { Worker: unknown }).Worker = FakeWorker;
});
afterAll(() => {
  (globalThis as { Worker: unknown }).Worker = realWorker;
});

describe('asset worker queue', () => {
  it('runs at most two jobs at a time, hands the next one to the worker that finished, in order', async () => {
    const { analyseImage, assetJobs } = await import('../../app/assets/worker-client.ts');
    const blobs = Array.from({ length: 10 }, (_, i) => new Blob([String(i)]));
    const done: number[] = [];
    const all = blobs.map((b, i) => analyseImage(b).then(() => done.push(i)));
    expect(posted.map((p) => p.msg.blob)).toEqual([blobs[0], blobs[1]]);
    expect(posted[0]!.worker).not.toBe(posted[1]!.worker);
    expect(assetJobs()).toEqual({ waiting: 8, running: 2 });

    // The second worker finishes first: it gets the third photo; the first is still busy.
    posted[1]!.worker.reply(posted[1]!.msg.id, { hash: 'b' });
    expect(posted.map((p) => p.msg.blob)).toEqual([blobs[0], blobs[1], blobs[2]]);
    expect(posted[2]!.worker).toBe(posted[1]!.worker);
    expect(assetJobs()).toEqual({ waiting: 7, running: 2 });

    // Answer everything as it arrives: each job is posted only once a worker is free.
    for (let k = 0; k < posted.length; k++) {
      if (k === 1) continue;
      expect(assetJobs().running).toBeLessThanOrEqual(2);
      posted[k]!.worker.reply(posted[k]!.msg.id, { hash: String(k) });
    }
    await Promise.all(all);
    expect(posted.map((p) => p.msg.blob)).toEqual(blobs);
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(assetJobs()).toEqual({ waiting: 0, running: 0 });
  });
});

describe('asset worker preview', () => {
  it('hands the thumbnail over before the answer, and the job stays the worker’s until the answer', async () => {
    const { analyseImage, assetJobs } = await import('../../app/assets/worker-client.ts');
    const start = posted.length;
    const previews: Blob[] = [];
    let answered = false;
    const first = analyseImage(new Blob(['photo']), (thumb) => previews.push(thumb)).then((r) => {
      answered = true;
      return r;
    });
    const second = analyseImage(new Blob(['other']));
    const third = analyseImage(new Blob(['third']));
    const job = posted[start]!;
    const thumb = new Blob(['thumb']);
    job.worker.onmessage?.({ data: { id: job.msg.id, ok: true, op: 'preview', thumb } } as MessageEvent);
    expect(previews).toEqual([thumb]);
    await Promise.resolve();
    expect(answered).toBe(false);
    // A preview does not free the worker: the third photo still waits.
    expect(assetJobs()).toEqual({ waiting: 1, running: 2 });
    job.worker.reply(job.msg.id, { hash: 'h', thumb });
    expect(await first).toEqual({ hash: 'h', thumb });
    expect(assetJobs()).toEqual({ waiting: 0, running: 2 });
    for (const p of posted.slice(start + 1)) p.worker.reply(p.msg.id, { hash: 'x' });
    await Promise.all([second, third]);
    expect(assetJobs()).toEqual({ waiting: 0, running: 0 });
  });
});
