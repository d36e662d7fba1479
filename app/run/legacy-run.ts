import { newRunId } from '../../api/run-ids.ts';
import type { FooocusRequest } from '../../contract/index.ts';
import { idbDelete, idbGet } from '../persistence/idb.ts';
import { idbRunJournal, type EditorRunMeta } from './run-journal-idb.ts';
import { getClient } from './connection.ts';

/** What the editor kept of a running task before the journal (one row for all tabs). */
interface LegacyActiveRun extends Omit<EditorRunMeta, 'seed'> {
  taskId: string;
  seed: number;
}

/** A task followed by an older version of the editor becomes a journal row, so it is picked up too. */
export async function adoptLegacyActiveRun(): Promise<void> {
  const old = await idbGet<LegacyActiveRun | { none: true }>('activeRun');
  if (!old || 'none' in old) return;
  const runId = newRunId();
  const now = Date.now();
  await idbRunJournal(runId, old).save({
    version: 1,
    runId,
    baseUrl: getClient().baseUrl,
    state: 'submitted',
    request: JSON.parse(old.requestJson) as FooocusRequest,
    submittedAt: old.startedAt,
    submits: 1,
    taskId: old.taskId,
    updatedAt: now,
  });
  await idbDelete('activeRun');
}
