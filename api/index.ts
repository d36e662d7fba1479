export { createFooocusClient } from './client.ts';
export type { FooocusClient } from './client.ts';
export { FooocusApiError } from './errors.ts';
export type { TaskRecord } from './schemas.ts';
export { rebaseResultUrl } from './urls.ts';
export { mapValidationErrors } from './validation-map.ts';
export { startTrackedRun, resumeTrackedRun } from './tracked-run.ts';
export type { TrackedProgress, TrackedRun, TrackedRunOptions, TrackedRunOutcome } from './tracked-run.ts';
export type { RunJournal, RunJournalEntry } from './run-journal.ts';
