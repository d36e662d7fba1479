import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { RunJournalEntry } from '../../api/index.ts';
import {
  claimRun,
  deleteRunRecord,
  idbRunJournal,
  listRunRecords,
  type EditorRunMeta,
} from '../../app/run/run-journal-idb.ts';

/** The editor's run journal: one IndexedDB row per run, so runs of two tabs never overwrite each other. */
const meta = (name: string, startedAt: number): EditorRunMeta => ({
  name,
  workflow: { name } as unknown as EditorRunMeta['workflow'],
  requestJson: '{}',
  seed: 7,
  stages: [],
  expected: { count: 1, min: 1 },
  startedAt,
});

const entry = (runId: string, patch: Partial<RunJournalEntry> = {}): RunJournalEntry => ({
  version: 1,
  runId,
  baseUrl: 'http://127.0.0.1:1/api',
  state: 'submitting',
  request: { prompt: 'x', image_seed: 7 } as unknown as RunJournalEntry['request'],
  submittedAt: 1,
  submits: 1,
  updatedAt: 1,
  ...patch,
});

describe('IndexedDB run journal', () => {
  it('keeps each run in its own row, updated in place, oldest first, until deleted', async () => {
    const a = idbRunJournal('a', meta('A', 10));
    const b = idbRunJournal('b', meta('B', 20));
    await a.save(entry('a'));
    await b.save(entry('b'));
    await a.save(entry('a', { state: 'submitted', taskId: 'task-a' }));
    let rows = await listRunRecords();
    expect(rows.map((r) => [r.runId, r.meta.name, r.entry?.state, r.entry?.taskId])).toEqual([
      ['a', 'A', 'submitted', 'task-a'],
      ['b', 'B', 'submitting', undefined],
    ]);
    await deleteRunRecord('a');
    rows = await listRunRecords();
    expect(rows.map((r) => r.runId)).toEqual(['b']);
    await deleteRunRecord('b');
  });

  it('a saved entry is a copy: later changes to the run object do not leak into the row', async () => {
    const j = idbRunJournal('c', meta('C', 30));
    const e = entry('c');
    await j.save(e);
    e.taskId = 'changed afterwards';
    expect((await listRunRecords()).find((r) => r.runId === 'c')?.entry?.taskId).toBeUndefined();
    await deleteRunRecord('c');
  });

  it('without Web Locks every tab may claim a run (following twice is harmless)', async () => {
    const release = await claimRun('x');
    expect(typeof release).toBe('function');
  });
});
