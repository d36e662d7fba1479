import type { PlanStage } from '../../compiler/types.ts';
import type { Workflow } from '../../nodes/graph.ts';
import type { RunJournal, RunJournalEntry } from '../../api/index.ts';
import { idbDelete, idbGetPrefixed, idbUpdate } from '../persistence/idb.ts';

/**
 * The editor's run journal (api/run-journal.ts) in IndexedDB: one row per run, keyed by the run's
 * own id, so two tabs running at once never write over each other's run. The row also keeps what
 * the editor needs to file the results (workflow, request as sent, plan stages). It is written
 * before the request leaves, updated with the task id, and deleted once the results are kept in
 * the gallery (or the run failed with nothing to pick up). Whatever is left is picked up again.
 */
export interface EditorRunMeta {
  name: string;
  workflow: Workflow;
  requestJson: string;
  seed: number;
  stages: PlanStage[];
  expected: { count: number; min: number };
  startedAt: number;
}

export interface EditorRunRecord {
  runId: string;
  meta: EditorRunMeta;
  /** Undefined only between creating the row and the journal's first save. */
  entry?: RunJournalEntry | undefined;
}

const PREFIX = 'run:';
const keyOf = (runId: string) => `${PREFIX}${runId}`;

/** A journal whose every save is on disk before it resolves (the run waits for it). */
export function idbRunJournal(runId: string, meta: EditorRunMeta): RunJournal {
  return {
    async save(entry) {
      await idbUpdate<EditorRunRecord>(
        keyOf(runId),
        (cur) => ({ runId, meta: cur?.meta ?? meta, entry: structuredClone(entry) }),
        { durable: true },
      );
    },
  };
}

/** Every run still in the journal, oldest first. */
export async function listRunRecords(): Promise<EditorRunRecord[]> {
  const rows = await idbGetPrefixed<EditorRunRecord>(PREFIX);
  return rows.map((r) => r.value).sort((a, b) => a.meta.startedAt - b.meta.startedAt);
}

export async function readRunRecord(runId: string): Promise<EditorRunRecord | undefined> {
  return (await listRunRecords()).find((r) => r.runId === runId);
}

export async function deleteRunRecord(runId: string): Promise<void> {
  await idbDelete(keyOf(runId));
}

/**
 * Claims a run for this tab while it follows it (Web Locks: released by the browser when the tab
 * goes away). Resolves with the release function, or null when another tab follows that run now.
 * Without Web Locks (plain http on a LAN address), every tab may claim it: following a task twice
 * is harmless, and its results are filed under one id.
 */
export function claimRun(runId: string): Promise<(() => void) | null> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return Promise.resolve(() => undefined);
  return new Promise((resolve) => {
    void locks.request(`fooocus-flow-run:${runId}`, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(null);
        return undefined;
      }
      return new Promise<void>((release) => resolve(() => release()));
    });
  });
}
